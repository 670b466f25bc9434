package io.streamtune.launcher;

import java.util.List;
import java.util.Map;

/**
 * Whether the champion's answer to each request was right, in the order the requests were made: the
 * served accuracy over any stretch of the stream (before and after a change of concept).
 *
 * @param correct per request in order: TRUE / FALSE, or null when it got no prediction (no champion
 *     yet) or no label
 */
record ServedTimeline(List<Boolean> correct) {

  static ServedTimeline of(
      List<String> requestOrder, Map<String, String> predicted, Map<String, String> truth) {
    java.util.ArrayList<Boolean> correct = new java.util.ArrayList<>(requestOrder.size());
    for (String id : requestOrder) {
      String prediction = predicted.get(id);
      String label = truth.get(id);
      correct.add(prediction == null || label == null ? null : prediction.equals(label));
    }
    return new ServedTimeline(java.util.Collections.unmodifiableList(correct));
  }

  /** Accuracy over requests [from, to) (0-based) that got a prediction; NaN when none did. */
  double accuracy(long from, long to) {
    long right = 0;
    long answered = 0;
    for (long i = Math.max(0, from); i < Math.min(to, correct.size()); i++) {
      Boolean c = correct.get((int) i);
      if (c != null) {
        answered++;
        right += c ? 1 : 0;
      }
    }
    return answered == 0 ? Double.NaN : (double) right / answered;
  }
}
