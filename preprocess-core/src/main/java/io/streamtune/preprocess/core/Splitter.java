package io.streamtune.preprocess.core;

import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec.SplitSpec;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * Decides train or holdout from the record's split key alone (its id, or with {@code split.key} its
 * content or group column), so the same record, and every copy or group member of it, lands on the
 * same side on every run, in every JVM, before any augmentation can leak it across.
 */
public final class Splitter implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final double TWO_POW_32 = 4294967296.0;

  private final double holdoutFraction;
  private final String salt;

  public Splitter(double holdoutFraction, String salt) {
    if (!(holdoutFraction >= 0 && holdoutFraction <= 1)) {
      throw new IllegalArgumentException(
          "split.holdoutFraction must be in [0, 1], got " + holdoutFraction);
    }
    this.holdoutFraction = holdoutFraction;
    this.salt = salt == null ? "" : salt;
  }

  public static Splitter of(SplitSpec spec) {
    return new Splitter(spec.holdoutFraction(), spec.salt());
  }

  public Split splitOf(String id) {
    return position(id) < holdoutFraction ? Split.HOLDOUT : Split.TRAIN;
  }

  /** Where the id falls in [0, 1): murmur2 of {@code salt:id} read as an unsigned 32-bit number. */
  public double position(String id) {
    int hash = Murmur2.hash((salt + ":" + id).getBytes(StandardCharsets.UTF_8));
    return (hash & 0xFFFFFFFFL) / TWO_POW_32;
  }

  /** The record stamped with its split, decided from its {@link Splittable#splitKey()}. */
  public <T extends Splittable<T>> T assign(T record) {
    return record.withSplit(splitOf(record.splitKey()));
  }
}
