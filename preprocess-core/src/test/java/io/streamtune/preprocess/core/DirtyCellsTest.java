package io.streamtune.preprocess.core;

import static io.streamtune.preprocess.TestSpecs.tabular;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.preprocess.TestSpecs;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.deadletter.DeadLetterRecords;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.SpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** preprocess.badValues, label.excluded, malformed rows and split.key (issue 21). */
class DirtyCellsTest {

  private static final String BASE =
      """
      name: dirty
      label:
        column: Status
        classes: [good, bad]
        excluded: [maybe]
      columns:
        Income: {type: numeric}
        Age: {type: numeric, badValues: reject}
        Home: {type: categorical, categories: [owner, rent]}
      """;

  private static PipelineSpec spec(String extra) {
    return PipelineSpecs.parse(BASE + extra, "test");
  }

  private static final PipelineSpec MISSING = spec("preprocess:\n  badValues: missing\n");

  private static Outcome<ValidatedRow> validate(PipelineSpec spec, RawRecord record) {
    return new RecordValidator(spec).validate(record);
  }

  private static ValidatedRow accepted(PipelineSpec spec, RawRecord record) {
    Outcome<ValidatedRow> outcome = validate(spec, record);
    assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
    return ((Outcome.Accepted<ValidatedRow>) outcome).value();
  }

  private static String reason(PipelineSpec spec, RawRecord record) {
    Outcome<ValidatedRow> outcome = validate(spec, record);
    assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
    return ((Outcome.Rejected<ValidatedRow>) outcome).reason();
  }

  @Test
  void underBadValuesMissingEveryKindOfBadNumberBecomesAMissingCellNamedInTheRow() {
    for (Object bad : List.of("high", "1e400", "-inf", "Infinity", "7".repeat(200_000), true)) {
      ValidatedRow row = accepted(MISSING, tabular("r", "good", "Income", bad, "Age", 30));

      assertThat(row.numericValues()[0]).as("%s", bad).isNaN();
      assertThat(row.numericValues()[1]).isEqualTo(30.0);
      assertThat(row.badCells()).containsExactly("Income");
    }
    assertThat(accepted(MISSING, tabular("r", "good", "Income", 5.5)).badCells()).isEmpty();
  }

  @Test
  void aColumnsOwnRejectOverridesTheSectionAndTheDefaultStillRejects() {
    assertThat(reason(MISSING, tabular("r", "good", "Income", "x", "Age", "old")))
        .isEqualTo("column 'Age': 'old' is not a number");
    assertThat(reason(spec(""), tabular("r", "good", "Income", "x")))
        .isEqualTo("column 'Income': 'x' is not a number");
  }

  @Test
  void anExcludedLabelIsADeadLetterThatSaysSoAndAMalformedRowNamesItsShape() {
    assertThat(reason(MISSING, tabular("r", "maybe", "Income", 1.0)))
        .isEqualTo(
            "label 'maybe' is excluded from the classes (label.excluded: too rare to learn)");
    assertThat(reason(MISSING, tabular("r", "other", "Income", 1.0)))
        .startsWith("unknown label 'other'");
    RawRecord shortRow = tabular("r", "good", "Income", 1.0);
    shortRow.setAttributes(
        Map.of(DeadLetterRecords.MALFORMED_ATTRIBUTE, "CSV row with 2 cells, the header has 4"));
    assertThat(reason(MISSING, shortRow))
        .isEqualTo("malformed: CSV row with 2 cells, the header has 4");
  }

  @Test
  void infinityReachesALeadingClipStepAsAnOutlierAndIsABadCellOtherwise() {
    PipelineSpec clipped =
        spec(
            """
            preprocess:
              badValues: missing
              steps:
                - clip: {columns: [Income], min: 0, max: 500}
                - impute: {strategy: mean}
                - impute: {strategy: most_frequent}
                - scale: {method: minmax}
                - oneHot: {unseenBucket: true}
            """);
    List<ValidatedRow> rows = new ArrayList<>();
    Object[] incomes = {"inf", "-Infinity", "1e400", 100.0, 200.0, 300.0};
    for (int i = 0; i < incomes.length; i++) {
      ValidatedRow row =
          accepted(clipped, tabular("r" + i, "good", "Income", incomes[i], "Age", 30));
      assertThat(row.badCells()).isEmpty();
      rows.add(row.withSplit(Split.TRAIN));
    }
    // Age has no clip step (and its own badValues: reject); without the clip Income's is a bad cell
    assertThat(reason(clipped, tabular("r", "good", "Age", "-inf")))
        .isEqualTo("column 'Age': '-inf' is infinite");
    assertThat(accepted(MISSING, tabular("r", "good", "Income", "inf")).badCells())
        .containsExactly("Income");
    assertThat(rows.get(0).numericValues()[0]).isEqualTo(Double.MAX_VALUE);
    assertThat(rows.get(1).numericValues()[0]).isEqualTo(-Double.MAX_VALUE);

    TabularTransform.BatchResult result = TabularTransform.prepareBatch(clipped, rows, r -> true);

    // clipped to [0, 500] first, then min-max scaled over [0, 500]: 1, 0, 1, 0.2, 0.4, 0.6
    List<Float> scaled =
        result.outcomes().stream()
            .map(o -> ((Outcome.Accepted<PreparedRow>) o).value().features()[0])
            .toList();
    assertThat(scaled).containsExactly(1f, 0f, 1f, 0.2f, 0.4f, 0.6f);
    assertThat(result.pipeline().badCells().total()).isZero();
    // under reject the text says what it is
    assertThat(reason(spec(""), tabular("r", "good", "Income", "-inf")))
        .isEqualTo("column 'Income': '-inf' is infinite");
  }

  @Test
  void theTransformCountsBadCellsPerColumnAndKeepsThemInItsJson() {
    List<ValidatedRow> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Object income = i % 5 == 0 ? "n/a?" : (Object) (1000.0 + i);
      rows.add(
          accepted(MISSING, tabular("r" + i, i % 2 == 0 ? "good" : "bad", "Income", income))
              .withSplit(Split.TRAIN));
    }

    TabularTransform.BatchResult result = TabularTransform.prepareBatch(MISSING, rows, r -> true);

    assertThat(result.pipeline().badCells().asMap()).containsExactly(Map.entry("Income", 4L));
    // the bad cells were imputed with the mean of the 16 good ones
    assertThat(result.outcomes()).allMatch(Outcome.Accepted.class::isInstance);
    TabularTransform restored = TabularTransform.fromJson(result.pipeline().toJson());
    assertThat(restored.badCells().asMap()).containsExactly(Map.entry("Income", 4L));
  }

  @Test
  void splitByContentPutsCopiesUnderOtherIdsOnOneSide() {
    PipelineSpec byContent = spec("split:\n  key: content\n  holdoutFraction: 0.5\n");
    Splitter splitter = Splitter.of(byContent.split());
    int holdoutOriginals = 0;
    for (int i = 0; i < 200; i++) {
      List<Split> sides = new ArrayList<>();
      for (int copy = 0; copy < 5; copy++) {
        ValidatedRow row =
            accepted(
                byContent, tabular("id-" + i + "-" + copy, "good", "Income", i, "Home", "rent"));
        sides.add(splitter.assign(row).split());
      }
      assertThat(sides).as("copies of row %d", i).containsOnly(sides.get(0));
      holdoutOriginals += sides.get(0) == Split.HOLDOUT ? 1 : 0;
    }
    assertThat(holdoutOriginals).isBetween(70, 130);
    // by id the same copies straddle the split
    Splitter byId = Splitter.of(spec("split:\n  holdoutFraction: 0.5\n").split());
    long straddling =
        java.util.stream.IntStream.range(0, 200)
            .filter(
                i ->
                    java.util.stream.IntStream.range(0, 5)
                            .mapToObj(copy -> byId.splitOf("id-" + i + "-" + copy))
                            .distinct()
                            .count()
                        > 1)
            .count();
    assertThat(straddling).isGreaterThan(150);
  }

  @Test
  void splitByAGroupColumnKeepsAGroupTogetherEvenWhenTheColumnIsNoFeature() {
    PipelineSpec byCustomer = spec("split:\n  key: column customer\n  holdoutFraction: 0.5\n");
    Splitter splitter = Splitter.of(byCustomer.split());
    for (int customer = 0; customer < 50; customer++) {
      List<Split> sides = new ArrayList<>();
      for (int row = 0; row < 4; row++) {
        RawRecord record =
            tabular(
                "r" + customer + "-" + row,
                "good",
                "Income",
                row * 10.0,
                "customer",
                "c" + customer);
        sides.add(splitter.assign(accepted(byCustomer, record)).split());
      }
      assertThat(sides).containsOnly(sides.get(0));
    }
    ValidatedRow noGroup = accepted(byCustomer, tabular("lone", "good", "Income", 1.0));
    assertThat(noGroup.splitKey()).isEqualTo("lone");
  }

  @Test
  void specRefusesAnUnknownSplitKeyAndBadValuesOnACategoricalColumn() {
    assertThatThrownBy(() -> spec("split:\n  key: row\n"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining(
            "key 'split.key' must be one of [id, content, column NAME], got 'row'");
    assertThatThrownBy(() -> spec("split:\n  key: column Status\n"))
        .hasMessageContaining("must not name the label column 'Status'");
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    BASE.replace(
                        "categories: [owner, rent]}",
                        "categories: [owner, rent], badValues: missing}"),
                    "test"))
        .hasMessageContaining("key 'columns.Home.badValues' is only allowed for numeric columns");
    assertThatThrownBy(() -> spec("preprocess:\n  badValues: drop\n"))
        .hasMessageContaining("allowed values: [reject, missing]");
    assertThatThrownBy(() -> TestSpecs.credit("").label().excluded().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
