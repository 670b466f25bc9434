package io.streamtune.launcher;

import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.OffsetRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * How fresh the served model is: for each record that trained a version, the time from its request
 * to the first prediction served by that version or a later one (a later version holds it in its
 * buffer too). Records that never trained (the holdout) or whose version never served are not
 * counted.
 */
final class Freshness {

  /** Where one training example was read from. */
  record TrainedExample(String sourceId, String topic, int partition, long offset) {}

  /** One served (champion) prediction. */
  record Served(int version, long servedAtMillis) {}

  /**
   * @param millis sorted freshness of every counted record
   * @param toVersionMillis sorted time from each trained record's request to the creation of the
   *     first version trained on it (the pipeline alone, before the gate and the hot-swap)
   */
  record Result(long[] millis, long[] toVersionMillis, long trainedNeverServed) {

    long count() {
      return millis.length;
    }

    /** The nearest-rank percentile, in milliseconds. */
    long percentile(double p) {
      return percentile(millis, p);
    }

    private static long percentile(long[] sorted, double p) {
      if (sorted.length == 0) {
        return -1;
      }
      int rank = (int) Math.ceil(p / 100.0 * sorted.length);
      return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    String describe() {
      String toVersion =
          toVersionMillis.length == 0
              ? ""
              : String.format(
                  Locale.ROOT,
                  "; to the first version trained on it: p50 %.1f s, p95 %.1f s",
                  percentile(toVersionMillis, 50) / 1000.0,
                  percentile(toVersionMillis, 95) / 1000.0);
      if (millis.length == 0) {
        return "no record was served by a version that trained on it yet" + toVersion;
      }
      return String.format(
              Locale.ROOT,
              "produce to first prediction by a version trained on it: p50 %.1f s, p95 %.1f s, max"
                  + " %.1f s over %,d records",
              percentile(50) / 1000.0,
              percentile(95) / 1000.0,
              millis[millis.length - 1] / 1000.0,
              millis.length)
          + toVersion;
    }
  }

  private Freshness() {}

  /**
   * @param requestTimes when each record was requested (its request's timestamp), by record id
   */
  static Result compute(
      List<TrainedExample> trained,
      List<ModelVersion> versions,
      List<Served> served,
      Map<String, Long> requestTimes) {
    Map<String, Integer> firstVersion = firstVersionTrainedOn(trained, versions);
    // the first time each version, or any later one, answered a request
    NavigableMap<Integer, Long> firstServedAtOrAfter = new TreeMap<>();
    for (Served prediction : served) {
      firstServedAtOrAfter.merge(prediction.version(), prediction.servedAtMillis(), Math::min);
    }
    long running = Long.MAX_VALUE;
    for (Integer version : firstServedAtOrAfter.descendingKeySet()) {
      running = Math.min(running, firstServedAtOrAfter.get(version));
      firstServedAtOrAfter.put(version, running);
    }
    Map<Integer, Long> createdAt = new HashMap<>();
    versions.forEach(v -> createdAt.put(v.getVersion(), v.getCreatedAt().toEpochMilli()));
    List<Long> millis = new ArrayList<>();
    List<Long> toVersion = new ArrayList<>();
    long neverServed = 0;
    for (Map.Entry<String, Integer> entry : firstVersion.entrySet()) {
      Long requested = requestTimes.get(entry.getKey());
      Map.Entry<Integer, Long> servedBy = firstServedAtOrAfter.ceilingEntry(entry.getValue());
      if (requested == null) {
        continue;
      }
      Long created = createdAt.get(entry.getValue());
      if (created != null) {
        toVersion.add(Math.max(0, created - requested));
      }
      if (servedBy == null) {
        neverServed++;
      } else {
        millis.add(Math.max(0, servedBy.getValue() - requested));
      }
    }
    return new Result(sorted(millis), sorted(toVersion), neverServed);
  }

  private static long[] sorted(List<Long> values) {
    long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return sorted;
  }

  /** The first version whose consumed offsets cover each example's offset, by source record id. */
  static Map<String, Integer> firstVersionTrainedOn(
      List<TrainedExample> trained, List<ModelVersion> versions) {
    List<ModelVersion> ordered =
        versions.stream()
            .sorted((a, b) -> Integer.compare(a.getVersion(), b.getVersion()))
            .toList();
    Map<String, Integer> first = new HashMap<>();
    for (TrainedExample example : trained) {
      for (ModelVersion version : ordered) {
        if (covers(version.getConsumedOffsets(), example)) {
          first.merge(example.sourceId(), version.getVersion(), Math::min);
          break;
        }
      }
    }
    return first;
  }

  private static boolean covers(List<OffsetRange> ranges, TrainedExample example) {
    for (OffsetRange range : ranges) {
      if (range.getTopic().equals(example.topic())
          && range.getPartition() == example.partition()
          && example.offset() >= range.getFromOffset()
          && example.offset() < range.getUntilOffset()) {
        return true;
      }
    }
    return false;
  }
}
