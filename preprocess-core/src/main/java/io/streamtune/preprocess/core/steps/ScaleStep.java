package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.PreprocessSpec.ScaleMethod;
import io.streamtune.spec.StepSpec;
import java.util.Arrays;

/**
 * {@code x' = (x − center) · factor + offset} per numeric column, as scikit-learn's scalers:
 * standard (center mean, factor 1/std), minmax (to [a, b]), robust (center median, factor 1/IQR
 * from KLL quantiles). A constant column, or one with no value yet, is only shifted.
 */
final class ScaleStep implements Step {

  private final ScaleMethod method;
  private final int[] columns;
  private final String[] names;
  private final double rangeLow;
  private final double rangeHigh;
  private final double quantileLow;
  private final double quantileHigh;
  private final int refresh;
  private final Moments moments;
  private final QuantileSketches sketches;
  private final double[] center;
  private final double[] scale;

  static Step of(StepSpec.Scale spec, StepInput in) {
    int[] columns = in.columns(spec.columns(), ColumnType.NUMERIC);
    return new ScaleStep(
        spec.method(),
        columns,
        in.names(columns),
        spec.featureRange().get(0),
        spec.featureRange().get(1),
        spec.quantileRange().get(0),
        spec.quantileRange().get(1),
        in.sketchK(),
        in.refresh(),
        in.salt());
  }

  ScaleStep(
      ScaleMethod method,
      int[] columns,
      String[] names,
      double rangeLow,
      double rangeHigh,
      double quantileLow,
      double quantileHigh,
      int sketchK,
      int refresh,
      long salt) {
    this.method = method;
    this.columns = columns;
    this.names = names;
    this.rangeLow = rangeLow;
    this.rangeHigh = rangeHigh;
    this.quantileLow = quantileLow;
    this.quantileHigh = quantileHigh;
    this.refresh = refresh;
    int n = columns.length;
    moments = method == ScaleMethod.ROBUST ? null : new Moments(n);
    sketches = method == ScaleMethod.ROBUST ? new QuantileSketches(n, sketchK, salt) : null;
    center = new double[n];
    scale = new double[n];
    Arrays.fill(scale, 1.0);
  }

  @Override
  public void fit(Frame in, int label) {
    ColumnFit.observe(in, columns, moments, sketches, refresh, this::update);
  }

  private void update(int i) {
    switch (method) {
      case STANDARD -> {
        center[i] = moments.count[i] == 0 ? 0 : moments.mean[i];
        scale[i] = moments.scale(i);
      }
      case MINMAX -> {
        if (moments.count[i] == 0) {
          return;
        }
        double range = moments.max[i] - moments.min[i];
        center[i] = moments.min[i];
        scale[i] = range < 10 * Math.ulp(1.0) ? 1.0 : range;
      }
      case ROBUST -> {
        if (sketches.count(i) == 0) {
          return;
        }
        center[i] = sketches.quantile(i, 0.5);
        double iqr =
            sketches.quantile(i, quantileHigh / 100) - sketches.quantile(i, quantileLow / 100);
        scale[i] = iqr < 10 * Math.ulp(1.0) ? 1.0 : iqr;
      }
    }
  }

  @Override
  public void finish() {
    for (int i = 0; i < columns.length; i++) {
      update(i);
    }
  }

  @Override
  public Frame transform(Frame in) {
    boolean minmax = method == ScaleMethod.MINMAX;
    double width = rangeHigh - rangeLow;
    for (int i = 0; i < columns.length; i++) {
      int c = columns[i];
      double x = in.numbers[c];
      in.numbers[c] =
          minmax ? (x - center[i]) * (width / scale[i]) + rangeLow : (x - center[i]) / scale[i];
    }
    return in;
  }

  @Override
  public void save(ObjectNode node) {
    node.set("columns", Json.strings(names));
    node.set(
        method == ScaleMethod.MINMAX ? "dataMin" : method == ScaleMethod.ROBUST ? "median" : "mean",
        Json.array(center));
    node.set(
        method == ScaleMethod.MINMAX ? "dataRange" : method == ScaleMethod.ROBUST ? "iqr" : "std",
        Json.array(scale));
    if (moments != null) {
      moments.save(node.putObject("moments"));
    }
    if (sketches != null) {
      sketches.save(node.putObject("quantiles"));
    }
  }

  @Override
  public void load(JsonNode node) {
    String centerKey =
        method == ScaleMethod.MINMAX ? "dataMin" : method == ScaleMethod.ROBUST ? "median" : "mean";
    String scaleKey =
        method == ScaleMethod.MINMAX ? "dataRange" : method == ScaleMethod.ROBUST ? "iqr" : "std";
    System.arraycopy(Json.doubles(node.get(centerKey)), 0, center, 0, center.length);
    System.arraycopy(Json.doubles(node.get(scaleKey)), 0, scale, 0, scale.length);
    if (moments != null && node.has("moments")) {
      moments.load(node.get("moments"));
    }
    if (sketches != null && node.has("quantiles")) {
      sketches.load(node.get("quantiles"));
    }
  }
}
