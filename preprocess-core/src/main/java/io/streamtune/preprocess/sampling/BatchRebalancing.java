package io.streamtune.preprocess.sampling;

import io.streamtune.preprocess.core.PreparedRowsStep;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.SamplingSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch mode's rebalancing step: the TRAIN examples go through {@link BatchResampler} (the logic
 * the stream operator shares), holdout examples pass untouched. Synthetic examples carry {@code
 * synthetic = true}, their parents' ids and the first parent as source; what was removed, and why,
 * is kept for the caller.
 */
public final class BatchRebalancing implements PreparedRowsStep {

  private final List<BatchResampler.Removal> removed = new ArrayList<>();

  @Override
  public List<Example> apply(PipelineSpec spec, List<Example> examples) {
    removed.clear();
    if (spec.sampling().method() == SamplingSpec.Method.NONE) {
      return examples;
    }
    List<LabeledVector> train = new ArrayList<>();
    Map<String, Example> byId = new HashMap<>();
    List<Example> out = new ArrayList<>();
    for (Example example : examples) {
      if (example.getSplit() != Split.TRAIN) {
        out.add(example);
        continue;
      }
      double[] features = new double[example.getFeatures().size()];
      for (int i = 0; i < features.length; i++) {
        features[i] = example.getFeatures().get(i);
      }
      train.add(LabeledVector.original(example.getId(), example.getLabel(), features));
      byId.put(example.getId(), example);
    }
    BatchResampler.Result result = BatchResampler.resample(train, spec.sampling());
    removed.addAll(result.removed());
    List<String> classes = spec.label().classes();
    for (LabeledVector row : result.kept()) {
      Example original = byId.get(row.id());
      if (original != null && !row.synthetic()) {
        out.add(original);
        continue;
      }
      Example parent = byId.get(row.parentIds().get(0));
      List<Float> features = new ArrayList<>(row.features().length);
      for (double value : row.features()) {
        features.add((float) value);
      }
      out.add(
          Example.newBuilder(parent)
              .setId(row.id())
              .setSourceId(parent.getSourceId())
              .setLabel(row.label())
              .setLabelIndex(classes.indexOf(row.label()))
              .setFeatures(features)
              .setAugmentedFrom(parent.getSourceId())
              .setSynthetic(true)
              .setParentIds(row.parentIds())
              .build());
    }
    return out;
  }

  /** The train rows the last {@link #apply} removed, with reasons and deciding neighbours. */
  public List<BatchResampler.Removal> removed() {
    return List.copyOf(removed);
  }
}
