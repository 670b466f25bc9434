package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.StepSpec;
import java.util.Arrays;
import java.util.List;

/**
 * Clips numeric columns to [lower, upper]: fixed bounds, mean ± t·std, the IQR fence, or two
 * quantiles (winsorizing). Missing values stay missing; before any training value a fitted bound is
 * open (±∞).
 */
final class ClipStep implements Step {

  enum Kind {
    FIXED,
    ZSCORE,
    IQR,
    QUANTILES
  }

  private final Kind kind;
  private final int[] columns;
  private final String[] names;
  private final double a;
  private final double b;
  private final int refresh;
  private final Moments moments;
  private final QuantileSketches sketches;
  private final double[] lower;
  private final double[] upper;

  static Step fixed(StepSpec.Clip spec, StepInput in) {
    return of(
        Kind.FIXED,
        spec.columns(),
        spec.min() == null ? Double.NaN : spec.min(),
        spec.max() == null ? Double.NaN : spec.max(),
        in);
  }

  static Step zscore(StepSpec.ZScoreClip spec, StepInput in) {
    return of(Kind.ZSCORE, spec.columns(), spec.threshold(), 0, in);
  }

  static Step iqr(StepSpec.IqrClip spec, StepInput in) {
    return of(Kind.IQR, spec.columns(), spec.factor(), 0, in);
  }

  static Step winsorize(StepSpec.Winsorize spec, StepInput in) {
    return of(Kind.QUANTILES, spec.columns(), spec.lower(), spec.upper(), in);
  }

  /**
   * @param a FIXED: min; ZSCORE: threshold; IQR: factor; QUANTILES: lower rank
   * @param b FIXED: max; QUANTILES: upper rank; otherwise unused
   */
  private static Step of(Kind kind, List<String> names, double a, double b, StepInput in) {
    int[] columns = in.columns(names, ColumnType.NUMERIC);
    return new ClipStep(
        kind, columns, in.names(columns), a, b, in.sketchK(), in.refresh(), in.salt());
  }

  private ClipStep(
      Kind kind,
      int[] columns,
      String[] names,
      double a,
      double b,
      int sketchK,
      int refresh,
      long salt) {
    this.kind = kind;
    this.columns = columns;
    this.names = names;
    this.a = a;
    this.b = b;
    this.refresh = refresh;
    int n = columns.length;
    moments = kind == Kind.ZSCORE ? new Moments(n) : null;
    sketches =
        kind == Kind.IQR || kind == Kind.QUANTILES ? new QuantileSketches(n, sketchK, salt) : null;
    lower = new double[n];
    upper = new double[n];
    Arrays.fill(lower, kind == Kind.FIXED && !Double.isNaN(a) ? a : Double.NEGATIVE_INFINITY);
    Arrays.fill(upper, kind == Kind.FIXED && !Double.isNaN(b) ? b : Double.POSITIVE_INFINITY);
  }

  @Override
  public void fit(Frame in, int label) {
    if (kind == Kind.FIXED) {
      return;
    }
    // moments exist for ZSCORE only, sketches for the quantile kinds
    ColumnFit.observe(
        in,
        columns,
        moments,
        sketches,
        refresh,
        kind == Kind.ZSCORE ? this::updateZscore : this::updateQuantiles);
  }

  private void updateZscore(int i) {
    double std = Math.sqrt(moments.variance(i));
    lower[i] = moments.mean[i] - a * std;
    upper[i] = moments.mean[i] + a * std;
  }

  private void updateQuantiles(int i) {
    if (sketches.count(i) == 0) {
      return;
    }
    if (kind == Kind.IQR) {
      double q1 = sketches.quantile(i, 0.25);
      double q3 = sketches.quantile(i, 0.75);
      lower[i] = q1 - a * (q3 - q1);
      upper[i] = q3 + a * (q3 - q1);
    } else {
      lower[i] = sketches.quantile(i, a);
      upper[i] = sketches.quantile(i, b);
    }
  }

  @Override
  public void finish() {
    if (sketches != null) {
      for (int i = 0; i < columns.length; i++) {
        updateQuantiles(i);
      }
    }
  }

  @Override
  public Frame transform(Frame in) {
    for (int i = 0; i < columns.length; i++) {
      int c = columns[i];
      double x = in.numbers[c];
      if (x < lower[i]) {
        in.numbers[c] = lower[i];
      } else if (x > upper[i]) {
        in.numbers[c] = upper[i];
      }
    }
    return in;
  }

  @Override
  public void save(ObjectNode node) {
    node.set("columns", Json.strings(names));
    node.set("lower", Json.array(lower));
    node.set("upper", Json.array(upper));
    if (moments != null) {
      moments.save(node.putObject("moments"));
    }
    if (sketches != null) {
      sketches.save(node.putObject("quantiles"));
    }
  }

  @Override
  public void load(JsonNode node) {
    System.arraycopy(Json.doubles(node.get("lower")), 0, lower, 0, lower.length);
    System.arraycopy(Json.doubles(node.get("upper")), 0, upper, 0, upper.length);
    if (moments != null && node.has("moments")) {
      moments.load(node.get("moments"));
    }
    if (sketches != null && node.has("quantiles")) {
      sketches.load(node.get("quantiles"));
    }
  }
}
