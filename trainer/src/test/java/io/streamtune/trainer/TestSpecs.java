package io.streamtune.trainer;

import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A small two-class tabular spec and separable examples for it. */
final class TestSpecs {

  static final String YAML =
      """
      name: blobs
      label:
        column: kind
        classes: [left, right]
      columns:
        x: {type: numeric}
        y: {type: numeric}
        z: {type: numeric}
      trainer:
        retrainEvery: 100
        maxWaitSeconds: 0
        bufferCapacity: 1000
        hiddenUnits: [8]
        learningRate: 0.02
        epochs: 6
        batchSize: 32
        seed: 3
      """;

  private TestSpecs() {}

  static PipelineSpec spec() {
    return PipelineSpecs.parse(YAML, "test spec");
  }

  /** Class 1 is shifted by +2.5 on every feature; about a third of the examples are class 1. */
  static List<Example> examples(int count, long seed) {
    Random random = new Random(seed);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int label = random.nextDouble() < 0.35 ? 1 : 0;
      List<Float> features = new ArrayList<>();
      for (int f = 0; f < 3; f++) {
        features.add((float) (random.nextGaussian() + (label == 1 ? 2.5 : 0.0)));
      }
      examples.add(example("ex-" + seed + "-" + i, label, features));
    }
    return examples;
  }

  static Example example(String id, int labelIndex, List<Float> features) {
    return Example.newBuilder()
        .setId(id)
        .setSourceId(id)
        .setEventTime(Instant.parse("2026-01-01T00:00:00Z"))
        .setSplit(Split.TRAIN)
        .setLabel(labelIndex == 0 ? "left" : "right")
        .setLabelIndex(labelIndex)
        .setFeatures(features)
        .setTransformVersion(1)
        .build();
  }

  static float[][] features(List<Example> examples) {
    float[][] rows = new float[examples.size()][];
    for (int i = 0; i < rows.length; i++) {
      List<Float> values = examples.get(i).getFeatures();
      rows[i] = new float[values.size()];
      for (int f = 0; f < values.size(); f++) {
        rows[i][f] = values.get(f);
      }
    }
    return rows;
  }
}
