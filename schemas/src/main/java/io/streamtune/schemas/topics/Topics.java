package io.streamtune.schemas.topics;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Label;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.Prediction;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.avro.TransformVersion;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The typed topic registry. Every module names topics through this class so a prefix change or a
 * rename happens in one place.
 */
public final class Topics {

  public static final String DEFAULT_PREFIX = "streamtune.";

  public static final TopicDef<String, RawRecord> RAW =
      new TopicDef<>("raw", String.class, RawRecord.class, "record id");
  public static final TopicDef<String, Example> EXAMPLES_TRAIN =
      new TopicDef<>("examples.train", String.class, Example.class, "example id");
  public static final TopicDef<String, Example> EXAMPLES_HOLDOUT =
      new TopicDef<>("examples.holdout", String.class, Example.class, "example id");
  public static final TopicDef<String, DeadLetter> DEADLETTER =
      new TopicDef<>("deadletter", String.class, DeadLetter.class, "record id when known");
  public static final TopicDef<String, ModelVersion> MODELS =
      new TopicDef<>("models", String.class, ModelVersion.class, "model id");
  public static final TopicDef<String, ModelVersion> MODELS_PROMOTED =
      new TopicDef<>("models.promoted", String.class, ModelVersion.class, "model id");
  public static final TopicDef<String, EvaluationReport> METRICS =
      new TopicDef<>("metrics", String.class, EvaluationReport.class, "model id");
  public static final TopicDef<String, RetrainRequest> CONTROL =
      new TopicDef<>("control", String.class, RetrainRequest.class, "model id, or none for all");
  public static final TopicDef<String, RawRecord> REQUESTS =
      new TopicDef<>("requests", String.class, RawRecord.class, "record id");
  public static final TopicDef<String, Prediction> PREDICTIONS =
      new TopicDef<>("predictions", String.class, Prediction.class, "record id");
  public static final TopicDef<String, Label> LABELS =
      new TopicDef<>("labels", String.class, Label.class, "record id");

  /**
   * Compacted: the newest fitted transform of each pipeline stays readable however long ago it was
   * published; a transform is larger than most records, hence the 16 MiB limit.
   */
  public static final TopicDef<String, TransformVersion> TRANSFORMS =
      new TopicDef<>(
          "transforms",
          String.class,
          TransformVersion.class,
          "pipeline name",
          Map.of("cleanup.policy", "compact", "max.message.bytes", String.valueOf(16 << 20)));

  public static final List<TopicDef<?, ?>> ALL =
      List.of(
          RAW,
          EXAMPLES_TRAIN,
          EXAMPLES_HOLDOUT,
          DEADLETTER,
          MODELS,
          MODELS_PROMOTED,
          METRICS,
          CONTROL,
          REQUESTS,
          PREDICTIONS,
          LABELS,
          TRANSFORMS);

  private final String prefix;

  public Topics(String prefix) {
    this.prefix = Objects.requireNonNull(prefix, "prefix");
  }

  public static Topics withDefaultPrefix() {
    return new Topics(DEFAULT_PREFIX);
  }

  public String prefix() {
    return prefix;
  }

  /** The full Kafka topic name of a logical topic in this deployment. */
  public String name(TopicDef<?, ?> topic) {
    return prefix + topic.suffix();
  }

  public List<String> allNames() {
    return ALL.stream().map(this::name).toList();
  }

  /** The topic-level configs to create the topic of this full name with (none for most). */
  public Map<String, String> configsOf(String fullName) {
    return ALL.stream()
        .filter(topic -> name(topic).equals(fullName))
        .findFirst()
        .map(TopicDef::configs)
        .orElse(Map.of());
  }
}
