package io.streamtune.embedded.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {

  private static final Schema ORDER_V1 =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Order\",\"fields\":["
                  + "{\"name\":\"id\",\"type\":\"string\"},"
                  + "{\"name\":\"lines\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\","
                  + "\"name\":\"Line\",\"fields\":[{\"name\":\"qty\",\"type\":\"int\"}]}}}]}");
  private static final Schema ORDER_QTY_AS_STRING =
      new Schema.Parser()
          .parse(
              ORDER_V1
                  .toString()
                  .replace("\"qty\",\"type\":\"int\"", "\"qty\",\"type\":\"string\""));

  @Test
  void messagesNameTheNestedFieldThatBreaks() {
    List<String> problems =
        CompatibilityLevel.BACKWARD.incompatibilities(ORDER_QTY_AS_STRING, List.of(ORDER_V1));

    assertThat(problems)
        .singleElement()
        .asString()
        .contains("TYPE_MISMATCH")
        .contains("field:'lines.qty'")
        .contains("new schema reading old data");
  }

  @Test
  void fullReportsBothDirectionsAndNoneNothing() {
    assertThat(CompatibilityLevel.FULL.incompatibilities(ORDER_QTY_AS_STRING, List.of(ORDER_V1)))
        .hasSize(2)
        .anySatisfy(problem -> assertThat(problem).contains("old schema reading new data"));
    assertThat(CompatibilityLevel.NONE.incompatibilities(ORDER_QTY_AS_STRING, List.of(ORDER_V1)))
        .isEmpty();
    assertThat(CompatibilityLevel.FULL_TRANSITIVE.incompatibilities(ORDER_V1, List.of())).isEmpty();
  }
}
