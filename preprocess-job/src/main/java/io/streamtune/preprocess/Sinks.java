package io.streamtune.preprocess;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.TransformVersion;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Where the job writes: examples (train and holdout), dead letters and the fitted transform's
 * published versions (tabular pipelines). The Kafka sinks in production; collecting sinks in tests.
 */
public record Sinks(
    Sink<Example> examples, Sink<DeadLetter> deadLetters, Sink<TransformVersion> transforms) {
  public Sinks {
    Objects.requireNonNull(examples, "examples");
    Objects.requireNonNull(deadLetters, "deadLetters");
    Objects.requireNonNull(transforms, "transforms");
  }

  /** For tests that do not look at the published transforms: those are discarded. */
  public Sinks(Sink<Example> examples, Sink<DeadLetter> deadLetters) {
    this(examples, deadLetters, new DiscardingSink<>());
  }
}
