package io.streamtune.preprocess.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.preprocess.core.steps.Json;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.PreprocessSpec.Feature;
import io.streamtune.spec.StepSpec;
import java.io.UncheckedIOException;
import java.util.List;

/** The fitted transform's JSON form ({@link TabularTransform#toJsonTree}), written and read. */
final class FittedTransformJson {

  private FittedTransformJson() {}

  static ObjectNode write(TabularTransform t, boolean withPendingRows) {
    if (!t.waiting.isEmpty()) {
      throw new IllegalStateException(
          t.waiting.size() + " rows wait for a background batch fit: settle() before saving");
    }
    t.profileFeed.flush();
    if (t.specYaml == null) {
      t.specYaml = PipelineSpecs.toYaml(t.spec);
    }
    ObjectNode root = Json.object();
    root.put("format", TabularTransform.FORMAT);
    root.put("spec", t.specYaml);
    root.put("version", t.version);
    root.put("frozen", t.frozen);
    root.put("warmedUp", t.warmedUp);
    root.put("seq", t.seq);
    root.put("warmupTrainRows", t.warmupTrainRows);
    if (!withPendingRows || t.servingOnly) {
      root.put("servingOnly", true);
    }
    root.set("features", Json.strings(t.featureNames));
    ArrayNode stepNodes = root.putArray("steps");
    List<StepSpec> stepSpecs = t.spec.preprocess().steps();
    int seriesIndex = 0;
    for (int i = 0; i < t.steps.size(); i++) {
      ObjectNode node = stepNodes.addObject();
      node.put("step", stepSpecs.get(i).kind());
      node.set("input", Json.strings(t.frames.get(i).stream().map(Feature::name).toList()));
      if (t.steps.get(i) == null) {
        t.series.get(seriesIndex++).save(node, RowsInFlightJson::write);
      } else if (withPendingRows) {
        t.steps.get(i).save(node);
      } else {
        t.steps.get(i).saveForServing(node);
      }
    }
    ArrayNode buffer = root.putArray("warmupBuffer");
    t.warmupBuffer.forEach(item -> buffer.add(RowsInFlightJson.write(item)));
    if (t.reference != null) {
      t.reference.save(root.putObject("reference"));
    }
    t.badCells.save(root.putObject("badCells"));
    return root;
  }

  static TabularTransform read(String json) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(
          new java.io.IOException("not a fitted transform: " + e.getOriginalMessage(), e));
    }
    if (root == null || !TabularTransform.FORMAT.equals(root.path("format").asText())) {
      throw new IllegalArgumentException(
          "not a fitted transform (expected format " + TabularTransform.FORMAT + ")");
    }
    TabularTransform pipeline =
        new TabularTransform(PipelineSpecs.parse(root.get("spec").asText(), "fitted transform"));
    pipeline.version = root.get("version").asLong();
    pipeline.frozen = root.get("frozen").asBoolean();
    pipeline.warmedUp = root.get("warmedUp").asBoolean();
    pipeline.seq = root.get("seq").asLong();
    pipeline.warmupTrainRows = root.get("warmupTrainRows").asLong();
    pipeline.servingOnly = root.path("servingOnly").asBoolean(false);
    JsonNode stepNodes = root.get("steps");
    int seriesIndex = 0;
    for (int i = 0; i < pipeline.steps.size(); i++) {
      if (pipeline.steps.get(i) != null) {
        pipeline.steps.get(i).load(stepNodes.get(i));
      } else {
        pipeline.series.get(seriesIndex++).load(stepNodes.get(i), RowsInFlightJson::read);
      }
    }
    for (JsonNode item : root.get("warmupBuffer")) {
      pipeline.warmupBuffer.add(RowsInFlightJson.read(item));
    }
    pipeline.badCells.load(root.get("badCells"));
    JsonNode reference = root.get("reference");
    if (reference == null) {
      pipeline.reference = null; // written before references: no reference, not an empty one
    } else {
      pipeline.reference.load(reference);
    }
    return pipeline;
  }
}
