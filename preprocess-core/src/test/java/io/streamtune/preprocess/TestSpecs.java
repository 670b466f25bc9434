package io.streamtune.preprocess;

import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TabularPayload;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The small credit-like spec the tests share, and raw records for it. */
public final class TestSpecs {

  public static final String CREDIT_YAML =
      """
      name: credit-test
      label:
        column: Status
        classes: [good, bad]
      columns:
        Income: {type: numeric}
        Age: {type: numeric}
        Home: {type: categorical, categories: [owner, rent]}
      split:
        holdoutFraction: 0.2
        salt: test
      """;

  /** The default steps, but one-hot without the unseen slot. */
  public static final String STRICT_ONE_HOT =
      """
      preprocess:
        steps:
          - impute: {strategy: mean}
          - impute: {strategy: most_frequent}
          - scale: {method: standard}
          - oneHot: {unseenBucket: false}
      """;

  private TestSpecs() {}

  public static PipelineSpec credit() {
    return PipelineSpecs.parse(CREDIT_YAML, "test");
  }

  public static PipelineSpec credit(String extraYaml) {
    return PipelineSpecs.parse(CREDIT_YAML + extraYaml, "test");
  }

  /** Cells given as alternating name, value; a null value is a present-but-null cell. */
  public static RawRecord tabular(String id, String label, Object... cells) {
    Map<String, Object> values = new HashMap<>();
    for (int i = 0; i < cells.length; i += 2) {
      values.put((String) cells[i], cells[i + 1]);
    }
    return RawRecord.newBuilder()
        .setId(id)
        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
        .setSource("test")
        .setLabel(label)
        .setPayload(TabularPayload.newBuilder().setValues(values).build())
        .setAttributes(Map.of())
        .build();
  }
}
