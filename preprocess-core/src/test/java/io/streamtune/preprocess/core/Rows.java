package io.streamtune.preprocess.core;

import io.streamtune.schemas.avro.Split;

/** Hand-made validated rows for the credit test spec (Income, Age numeric; Home categorical). */
final class Rows {

  static final double MISSING = Double.NaN;

  private Rows() {}

  static ValidatedRow row(String id, Split split, double income, double age, String home) {
    return new ValidatedRow(
        id,
        1_000L,
        "good",
        0,
        new double[] {income, age},
        new String[] {home},
        split,
        null,
        null,
        null);
  }

  static ValidatedRow train(String id, double income, double age, String home) {
    return row(id, Split.TRAIN, income, age, home);
  }

  static ValidatedRow holdout(String id, double income, double age, String home) {
    return row(id, Split.HOLDOUT, income, age, home);
  }
}
