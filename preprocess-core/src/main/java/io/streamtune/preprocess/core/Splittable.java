package io.streamtune.preprocess.core;

import io.streamtune.schemas.avro.Split;

/**
 * A validated record the {@link Splitter} can stamp: tabular rows and image/text records take the
 * same split step.
 *
 * @param <T> the record type itself
 */
public interface Splittable<T extends Splittable<T>> {

  /** The record id. */
  String id();

  /**
   * What the split is decided from ({@code split.key}); the id unless the record says otherwise.
   */
  default String splitKey() {
    return id();
  }

  /** The record with its split set (a copy, or the record itself where it is mutable). */
  T withSplit(Split split);
}
