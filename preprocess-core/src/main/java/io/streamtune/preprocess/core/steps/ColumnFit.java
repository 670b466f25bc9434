package io.streamtune.preprocess.core.steps;

import java.util.function.IntConsumer;

/**
 * How the numeric steps that learn per-column statistics (bin, clip, scale) see a row: missing
 * values are skipped; exact running moments re-derive the column's parameters on every value, while
 * quantile sketches do so only when {@link QuantileSketches#refreshDue} says (reading quantiles
 * back from a sketch costs far more than adding to it).
 */
final class ColumnFit {

  private ColumnFit() {}

  /**
   * Adds the row's values of {@code columns} to {@code moments} if present, else to {@code
   * sketches}, and calls {@code refit} with the column's index whenever its parameters are due.
   */
  static void observe(
      Frame in,
      int[] columns,
      Moments moments,
      QuantileSketches sketches,
      int refresh,
      IntConsumer refit) {
    for (int i = 0; i < columns.length; i++) {
      double x = in.numbers[columns[i]];
      if (Double.isNaN(x)) {
        continue;
      }
      if (moments != null) {
        moments.add(i, x);
        refit.accept(i);
      } else {
        sketches.add(i, x);
        if (QuantileSketches.refreshDue(sketches.count(i), refresh)) {
          refit.accept(i);
        }
      }
    }
  }
}
