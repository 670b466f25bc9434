package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.StepSpec;
import java.util.Arrays;
import java.util.List;

/**
 * Yeo-Johnson power transform as scikit-learn's PowerTransformer: λ per column by maximum
 * likelihood over the warm-up (or batch) rows, then optionally standardized with the mean and std
 * of the transformed values. Decided once; later rows never change it.
 */
final class YeoJohnsonStep implements Step {

  private final int[] columns;
  private final String[] names;
  private final boolean standardize;
  private final double[] lambdas;
  private final Moments moments;
  private boolean fitted;

  static Step of(StepSpec.YeoJohnson spec, StepInput in) {
    int[] columns = in.columns(spec.columns(), ColumnType.NUMERIC);
    return new YeoJohnsonStep(columns, in.names(columns), spec.standardize());
  }

  YeoJohnsonStep(int[] columns, String[] names, boolean standardize) {
    this.columns = columns;
    this.names = names;
    this.standardize = standardize;
    this.lambdas = new double[columns.length];
    Arrays.fill(lambdas, 1.0);
    this.moments = new Moments(columns.length);
  }

  @Override
  public void fit(Frame in, int label) {
    // decided at the end of the warm-up (fitAll); a stream never moves it afterwards
  }

  @Override
  public void fitAll(List<Frame> rows, int[] labels) {
    if (fitted) {
      return;
    }
    for (int i = 0; i < columns.length; i++) {
      int c = columns[i];
      double[] values =
          rows.stream().mapToDouble(r -> r.numbers[c]).filter(x -> !Double.isNaN(x)).toArray();
      if (values.length == 0) {
        continue;
      }
      lambdas[i] = Numerics.yeoJohnsonLambda(values);
      for (double x : values) {
        moments.add(i, Numerics.yeoJohnson(x, lambdas[i]));
      }
    }
    fitted = true;
  }

  @Override
  public Frame transform(Frame in) {
    for (int i = 0; i < columns.length; i++) {
      int c = columns[i];
      double y = Numerics.yeoJohnson(in.numbers[c], lambdas[i]);
      if (standardize && moments.count[i] > 0) {
        y = (y - moments.mean[i]) / moments.scale(i);
      }
      if (Double.isInfinite(y)) {
        throw new RowRejected(
            RowRejected.STAGE_TRANSFORM,
            "column '" + names[i] + "': Yeo-Johnson of " + in.numbers[c] + " overflows");
      }
      in.numbers[c] = y;
    }
    return in;
  }

  @Override
  public void save(ObjectNode node) {
    node.set("columns", Json.strings(names));
    node.put("fitted", fitted);
    node.set("lambdas", Json.array(lambdas));
    node.put("standardize", standardize);
    moments.save(node.putObject("transformedMoments"));
  }

  @Override
  public void load(JsonNode node) {
    fitted = node.get("fitted").asBoolean();
    System.arraycopy(Json.doubles(node.get("lambdas")), 0, lambdas, 0, lambdas.length);
    moments.load(node.get("transformedMoments"));
  }
}
