package io.streamtune.schemas.topics;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.RawRecord;
import java.util.List;
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
  public static final TopicDef<String, String> CONTROL =
      new TopicDef<>("control", String.class, String.class, "model id");
  public static final TopicDef<String, byte[]> PREDICTIONS =
      new TopicDef<>("predictions", String.class, byte[].class, "record id");

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
          PREDICTIONS);

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
}
