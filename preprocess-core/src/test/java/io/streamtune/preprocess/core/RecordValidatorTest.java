package io.streamtune.preprocess.core;

import static io.streamtune.preprocess.TestSpecs.tabular;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.preprocess.TestSpecs;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TextPayload;
import io.streamtune.spec.PipelineSpecs;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordValidatorTest {

  private final RecordValidator validator = new RecordValidator(TestSpecs.credit());

  private ValidatedRow valid(RawRecord record) {
    Outcome<ValidatedRow> validation = validator.validate(record);
    assertThat(validation).isInstanceOf(Outcome.Accepted.class);
    return ((Outcome.Accepted<ValidatedRow>) validation).value();
  }

  private String rejected(RecordValidator with, RawRecord record) {
    Outcome<ValidatedRow> validation = with.validate(record);
    assertThat(validation).isInstanceOf(Outcome.Rejected.class);
    Outcome.Rejected<ValidatedRow> rejected = (Outcome.Rejected<ValidatedRow>) validation;
    assertThat(rejected.stage()).isEqualTo(DeadLetters.STAGE_VALIDATE);
    return rejected.reason();
  }

  private String rejected(RawRecord record) {
    return rejected(validator, record);
  }

  @Test
  void completeRowBecomesTypedValuesInSpecOrder() {
    ValidatedRow row = valid(tabular("r1", "bad", "Income", 120.5, "Age", 41L, "Home", "rent"));

    assertThat(row.id()).isEqualTo("r1");
    assertThat(row.label()).isEqualTo("bad");
    assertThat(row.labelIndex()).isEqualTo(1);
    assertThat(row.eventTimeMillis()).isEqualTo(1_700_000_000_000L);
    assertThat(row.numericValues()).containsExactly(120.5, 41.0);
    assertThat(row.categoricalValues()).containsExactly("rent");
    assertThat(row.split()).isNull();
  }

  @Test
  void numericStringsThatParseAreConverted() {
    ValidatedRow row = valid(tabular("r1", "good", "Income", " 1.5e3 ", "Age", "-7"));

    assertThat(row.numericValues()).containsExactly(1500.0, -7.0);
  }

  @Test
  void absentNullAndBlankCellsAreMissing() {
    ValidatedRow row = valid(tabular("r1", "good", "Income", null, "Home", "  "));

    assertThat(row.isMissingNumeric(0)).isTrue();
    assertThat(row.isMissingNumeric(1)).isTrue();
    assertThat(row.categoricalValues()).containsExactly((String) null);
  }

  @Test
  void wrongPayloadTypeIsNamed() {
    RawRecord text =
        RawRecord.newBuilder()
            .setId("t1")
            .setEventTime(Instant.EPOCH)
            .setSource("test")
            .setLabel("good")
            .setPayload(TextPayload.newBuilder().setText("hello").build())
            .setAttributes(Map.of())
            .build();

    assertThat(rejected(text)).isEqualTo("wrong payload type: expected tabular, got text");
  }

  @Test
  void missingOrBlankLabelIsRejectedNamingTheLabelColumn() {
    assertThat(rejected(tabular("r1", null, "Income", 1.0)))
        .isEqualTo("missing label (column 'Status')");
    assertThat(rejected(tabular("r1", " ", "Income", 1.0)))
        .isEqualTo("missing label (column 'Status')");
  }

  @Test
  void labelCellIsUsedWhenTheRecordHasNoLabelField() {
    ValidatedRow row = valid(tabular("r1", null, "Status", "bad", "Income", 1.0));

    assertThat(row.label()).isEqualTo("bad");
  }

  @Test
  void anUnknownLabelIsQuotedInTheReasonControlCharactersEscapedAndCut() {
    // before: the label went into the reason as is, NUL and terminal escapes included
    assertThat(rejected(tabular("r1", "go\u0000od\u001b[2J", "Income", 1.0)))
        .isEqualTo("unknown label 'go\\u0000od\\u001b[2J'; expected one of [good, bad]");
    assertThat(rejected(tabular("r2", "x".repeat(100_000), "Income", 1.0)))
        .contains("(100000 chars in all)")
        .hasSizeLessThan(300);
  }

  @Test
  void unknownLabelListsTheClasses() {
    assertThat(rejected(tabular("r1", "meh", "Income", 1.0)))
        .isEqualTo("unknown label 'meh'; expected one of [good, bad]");
  }

  @Test
  void unparseableNumberIsRejectedWithTheValue() {
    assertThat(rejected(tabular("r1", "good", "Income", "abc")))
        .isEqualTo("column 'Income': 'abc' is not a number");
  }

  @Test
  void nanAndInfinityAreRejectedAsNumbersAndAsStrings() {
    assertThat(rejected(tabular("r1", "good", "Income", Double.NaN)))
        .isEqualTo("column 'Income': NaN is not a finite number");
    assertThat(rejected(tabular("r1", "good", "Income", Double.NEGATIVE_INFINITY)))
        .isEqualTo("column 'Income': -Infinity is not a finite number");
    assertThat(rejected(tabular("r1", "good", "Income", "NaN")))
        .isEqualTo("column 'Income': 'NaN' is not a number");
    assertThat(rejected(tabular("r1", "good", "Income", "1e400")))
        .isEqualTo("column 'Income': '1e400' is out of the range of a double");
  }

  @Test
  void booleanInNumericColumnIsAWrongType() {
    assertThat(rejected(tabular("r1", "good", "Age", true)))
        .isEqualTo("column 'Age': wrong type boolean, expected numeric");
  }

  @Test
  void categoricalNumbersAndBooleansBecomeTheirStringForm() {
    RecordValidator numericCategories =
        new RecordValidator(
            PipelineSpecs.parse(
                """
                label: {column: y, classes: [a, b]}
                columns:
                  Level: {type: categorical, categories: ["1", "2", "2.5", "true"]}
                preprocess: {steps: [oneHot: {unseenBucket: false}]}
                """,
                "test"));

    assertThat(numericCategories.validate(tabular("x", "a", "Level", 2.0)))
        .isInstanceOfSatisfying(
            Outcome.Accepted.class,
            v -> assertThat(((ValidatedRow) v.value()).categoricalValues()).containsExactly("2"));
    assertThat(numericCategories.validate(tabular("x", "a", "Level", 1L)))
        .isInstanceOfSatisfying(
            Outcome.Accepted.class,
            v -> assertThat(((ValidatedRow) v.value()).categoricalValues()).containsExactly("1"));
    assertThat(numericCategories.validate(tabular("x", "a", "Level", 2.5)))
        .isInstanceOfSatisfying(
            Outcome.Accepted.class,
            v -> assertThat(((ValidatedRow) v.value()).categoricalValues()).containsExactly("2.5"));
    assertThat(numericCategories.validate(tabular("x", "a", "Level", true)))
        .isInstanceOfSatisfying(
            Outcome.Accepted.class,
            v ->
                assertThat(((ValidatedRow) v.value()).categoricalValues()).containsExactly("true"));
  }

  @Test
  void unknownColumnIsRejectedUnlessIgnored() {
    RawRecord record = tabular("r1", "good", "Income", 1.0, "Foo", "x", "Bar", 2.0);

    assertThat(rejected(record)).isEqualTo("unknown column 'Bar'; unknown column 'Foo'");

    RecordValidator ignoring =
        new RecordValidator(TestSpecs.credit("preprocess: {unknownColumns: ignore}\n"));
    assertThat(ignoring.validate(record)).isInstanceOf(Outcome.Accepted.class);
  }

  @Test
  void unseenCategoryIsKeptForTheUnseenSlotWhenTheSpecHasOne() {
    ValidatedRow row = valid(tabular("r1", "good", "Home", "castle"));

    assertThat(row.categoricalValues()).containsExactly("castle");
  }

  @Test
  void unseenCategoryIsRejectedWithoutTheUnseenSlot() {
    RecordValidator strict = new RecordValidator(TestSpecs.credit(TestSpecs.STRICT_ONE_HOT));

    assertThat(rejected(strict, tabular("r1", "good", "Home", "castle")))
        .isEqualTo("column 'Home': unknown category 'castle'; expected one of [owner, rent]");
  }

  @Test
  void everyProblemOfARecordIsReported() {
    String reason = rejected(tabular("r1", "meh", "Income", "abc", "Age", false, "Foo", 1.0));

    assertThat(reason)
        .isEqualTo(
            "unknown label 'meh'; expected one of [good, bad]; "
                + "column 'Income': 'abc' is not a number; "
                + "column 'Age': wrong type boolean, expected numeric; "
                + "unknown column 'Foo'");
  }
}
