package io.streamtune.preprocess;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Where the job writes: examples (train and holdout) and dead letters. The Kafka sinks in
 * production; collecting sinks in tests.
 */
public record Sinks(Sink<Example> examples, Sink<DeadLetter> deadLetters) {
  public Sinks {
    Objects.requireNonNull(examples, "examples");
    Objects.requireNonNull(deadLetters, "deadLetters");
  }
}
