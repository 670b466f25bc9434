package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.PreprocessSpec.BinStrategy;
import io.streamtune.spec.StepSpec;

/**
 * Replaces a numeric value by its bin number, as scikit-learn's KBinsDiscretizer with ordinal
 * encoding: uniform bins between the training minimum and maximum, or quantile bins (from KLL) with
 * bins narrower than 1e-8 merged away.
 */
final class BinStep implements Step {

  private final int[] columns;
  private final String[] names;
  private final int bins;
  private final BinStrategy strategy;
  private final int refresh;
  private final Moments moments;
  private final QuantileSketches sketches;
  private final double[][] edges;

  static Step of(StepSpec.Bin spec, StepInput in) {
    int[] columns = in.columns(spec.columns(), ColumnType.NUMERIC);
    return new BinStep(
        columns,
        in.names(columns),
        spec.bins(),
        spec.strategy(),
        in.sketchK(),
        in.refresh(),
        in.salt());
  }

  BinStep(
      int[] columns,
      String[] names,
      int bins,
      BinStrategy strategy,
      int sketchK,
      int refresh,
      long salt) {
    this.columns = columns;
    this.names = names;
    this.bins = bins;
    this.strategy = strategy;
    this.refresh = refresh;
    moments = strategy == BinStrategy.UNIFORM ? new Moments(columns.length) : null;
    sketches =
        strategy == BinStrategy.QUANTILE
            ? new QuantileSketches(columns.length, sketchK, salt)
            : null;
    edges = new double[columns.length][];
  }

  @Override
  public void fit(Frame in, int label) {
    ColumnFit.observe(in, columns, moments, sketches, refresh, this::update);
  }

  private void update(int i) {
    double[] e = new double[bins + 1];
    if (strategy == BinStrategy.UNIFORM) {
      if (moments.count[i] == 0) {
        return;
      }
      double lo = moments.min[i];
      double hi = moments.max[i];
      for (int b = 0; b <= bins; b++) {
        e[b] = b == bins ? hi : b * ((hi - lo) / bins) + lo; // as numpy.linspace
      }
      edges[i] = lo == hi ? new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY} : e;
      return;
    }
    if (sketches.count(i) == 0) {
      return;
    }
    if (sketches.quantile(i, 0) == sketches.quantile(i, 1)) {
      edges[i] = new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
      return;
    }
    int kept = 0;
    double previous = Double.NaN;
    for (int b = 0; b <= bins; b++) {
      double edge = sketches.quantile(i, (double) b / bins);
      // as scikit-learn: an edge within 1e-8 of the one before it (kept or not) is dropped
      if (b == 0 || edge - previous > 1e-8) {
        e[kept++] = edge;
      }
      previous = edge;
    }
    edges[i] =
        kept < 2
            ? new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY}
            : java.util.Arrays.copyOf(e, kept);
  }

  @Override
  public void finish() {
    for (int i = 0; i < columns.length; i++) {
      update(i);
    }
  }

  @Override
  public Frame transform(Frame in) {
    for (int i = 0; i < columns.length; i++) {
      int c = columns[i];
      double x = in.numbers[c];
      double[] e = edges[i];
      if (Double.isNaN(x) || e == null) {
        in.numbers[c] = Double.isNaN(x) ? x : 0;
        continue;
      }
      double shifted = x + 1.0e-8 + 1.0e-5 * Math.abs(x);
      int bin = 0;
      for (int b = 1; b < e.length; b++) {
        if (e[b] <= shifted) {
          bin++;
        }
      }
      in.numbers[c] = Math.min(bin, e.length - 2);
    }
    return in;
  }

  @Override
  public void save(ObjectNode node) {
    node.set("columns", Json.strings(names));
    ArrayNode all = node.putArray("binEdges");
    for (double[] e : edges) {
      if (e == null) {
        all.addNull();
      } else {
        all.add(Json.array(e));
      }
    }
    if (moments != null) {
      moments.save(node.putObject("moments"));
    }
    if (sketches != null) {
      sketches.save(node.putObject("quantiles"));
    }
  }

  @Override
  public void load(JsonNode node) {
    JsonNode all = node.get("binEdges");
    for (int i = 0; i < edges.length; i++) {
      edges[i] = all.get(i).isNull() ? null : Json.doubles(all.get(i));
    }
    if (moments != null && node.has("moments")) {
      moments.load(node.get("moments"));
    }
    if (sketches != null && node.has("quantiles")) {
      sketches.load(node.get("quantiles"));
    }
  }
}
