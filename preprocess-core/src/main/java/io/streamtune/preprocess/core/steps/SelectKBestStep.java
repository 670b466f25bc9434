package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.spec.StepSpec;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Keeps the k features with the highest mutual information with the label, estimated on the warm-up
 * (or batch) rows like scikit-learn's mutual_info_classif, in their input order. Decided once;
 * until then (never in practice: the spec requires a warm-up) the first k features pass.
 */
final class SelectKBestStep implements Step {

  private final String[] names;
  private final int k;
  private final int neighbors;
  private final long seed;
  private double[] scores;
  private int[] chosen;

  static Step of(StepSpec.SelectKBest spec, StepInput in) {
    return new SelectKBestStep(in.inputNames(), spec.k(), spec.neighbors(), spec.seed());
  }

  SelectKBestStep(String[] names, int k, int neighbors, long seed) {
    this.names = names;
    this.k = k;
    this.neighbors = neighbors;
    this.seed = seed;
    this.chosen = IntStream.range(0, k).toArray();
  }

  @Override
  public void fit(Frame in, int label) {
    // decided at the end of the warm-up (fitAll)
  }

  @Override
  public void fitAll(List<Frame> rows, int[] labels) {
    if (scores != null || rows.isEmpty()) {
      return;
    }
    double[][] columns = new double[names.length][rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      double[] x = rows.get(r).numbers;
      for (int j = 0; j < names.length; j++) {
        columns[j][r] = x[j];
      }
    }
    scores = MutualInformation.scores(columns, labels, neighbors, seed);
    double[] s = scores;
    chosen =
        IntStream.range(0, names.length)
            .boxed()
            .sorted(Comparator.<Integer>comparingDouble(j -> -s[j]).thenComparingInt(j -> j))
            .limit(k)
            .mapToInt(Integer::intValue)
            .sorted()
            .toArray();
  }

  @Override
  public Frame transform(Frame in) {
    Frame out = Frame.ofWidth(k);
    for (int i = 0; i < k; i++) {
      out.numbers[i] = in.numbers[chosen[i]];
    }
    return out;
  }

  @Override
  public void save(ObjectNode node) {
    node.set("features", Json.strings(names));
    if (scores != null) {
      node.set("scores", Json.array(scores));
    }
    String[] chosenNames = Arrays.stream(chosen).mapToObj(j -> names[j]).toArray(String[]::new);
    node.set("chosen", Json.strings(chosenNames));
    node.set("chosenIndexes", Json.array(chosen));
  }

  @Override
  public void load(JsonNode node) {
    scores = node.has("scores") ? Json.doubles(node.get("scores")) : null;
    chosen = Json.ints(node.get("chosenIndexes"));
  }
}
