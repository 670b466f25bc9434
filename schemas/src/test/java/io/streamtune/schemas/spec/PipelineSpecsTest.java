package io.streamtune.schemas.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.schemas.spec.PipelineSpec.ColumnType;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineSpecsTest {

  private static final String MINIMAL =
      """
      name: credit
      label:
        column: Status
        classes: [good, bad]
      columns:
        Income: {type: numeric}
        Home: {type: categorical, categories: [owner, rent]}
      """;

  @Test
  void minimalSpecGetsEveryDefault() {
    PipelineSpec spec = PipelineSpecs.parse(MINIMAL, "test");

    assertThat(spec.name()).isEqualTo("credit");
    assertThat(spec.modality()).isEqualTo(PipelineSpec.Modality.TABULAR);
    assertThat(spec.columns().keySet()).containsExactly("Income", "Home");
    assertThat(spec.columns().get("Home").type()).isEqualTo(ColumnType.CATEGORICAL);
    assertThat(spec.split().holdoutFraction()).isEqualTo(0.2);
    assertThat(spec.preprocess().steps()).isEqualTo(PreprocessSpec.defaultSteps());
    assertThat(spec.preprocess().warmup()).isZero();
    assertThat(spec.preprocess().freezeAfter()).isZero();
    assertThat(spec.trainer().retrainEvery()).isEqualTo(500);
    assertThat(spec.trainer().hiddenUnits()).containsExactly(32);
    assertThat(spec.evaluator().minMacroF1Gain()).isEqualTo(0.0);
  }

  @Test
  void featureNamesAreNumericsThenOneHotSlotsInColumnOrder() {
    PipelineSpec spec = PipelineSpecs.parse(MINIMAL, "test");

    assertThat(spec.featureNames())
        .containsExactly("Income", "Home=owner", "Home=rent", "Home=<unseen>");
  }

  @Test
  void writtenYamlReadsBackEqual() {
    PipelineSpec spec = PipelineSpecs.parse(MINIMAL, "test");

    PipelineSpec again = PipelineSpecs.parse(PipelineSpecs.toYaml(spec), "round-trip");

    assertThat(again).isEqualTo(spec);
  }

  @Test
  void unknownKeyIsAnErrorThatNamesTheKeyAndTheAllowedOnes() {
    String yaml = MINIMAL + "trainer:\n  retrainEvrey: 10\n";

    assertThatThrownBy(() -> PipelineSpecs.parse(yaml, "spec.yaml"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("unknown key 'trainer.retrainEvrey'")
        .hasMessageContaining("retrainEvery");
  }

  @Test
  void invalidEnumValueNamesTheAllowedValues() {
    String yaml = MINIMAL + "preprocess:\n  steps:\n    - scale: {method: fancy}\n";

    assertThatThrownBy(() -> PipelineSpecs.parse(yaml, "spec.yaml"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("preprocess.steps[0].method")
        .hasMessageContaining("[standard, minmax, robust]");
  }

  @Test
  void categoricalColumnWithoutCategoriesIsRejected() {
    String yaml =
        MINIMAL.replace("{type: categorical, categories: [owner, rent]}", "{type: categorical}");

    assertThatThrownBy(() -> PipelineSpecs.parse(yaml, "spec.yaml"))
        .hasMessageContaining("columns.Home.categories");
  }

  @Test
  void holdoutFractionOutsideTheOpenUnitIntervalIsRejected() {
    String yaml = MINIMAL + "split:\n  holdoutFraction: 1.0\n";

    assertThatThrownBy(() -> PipelineSpecs.parse(yaml, "spec.yaml"))
        .hasMessageContaining("split.holdoutFraction");
  }

  @Test
  void labelNeedsTwoDistinctClasses() {
    String yaml = MINIMAL.replace("[good, bad]", "[good, good]");

    assertThatThrownBy(() -> PipelineSpecs.parse(yaml, "spec.yaml"))
        .hasMessageContaining("label.classes");
  }

  @Test
  void labelColumnMustNotBeAFeature() {
    String yaml = MINIMAL + "";
    PipelineSpec spec = PipelineSpecs.parse(yaml, "test");
    PipelineSpec bad =
        new PipelineSpec(
            spec.name(),
            spec.modality(),
            new PipelineSpec.LabelSpec("Income", List.of("a", "b")),
            spec.columns(),
            null,
            null,
            null,
            null);

    assertThatThrownBy(() -> PipelineSpecs.validate(bad, "built"))
        .hasMessageContaining("label column 'Income'");
  }

  @Test
  void modalitiesOtherThanTabularAreNotAcceptedYet() {
    String yaml = "modality: image\n" + MINIMAL;

    assertThatThrownBy(() -> PipelineSpecs.parse(yaml, "spec.yaml"))
        .hasMessageContaining("modality 'image'")
        .hasMessageContaining("[tabular]");
  }

  @Test
  void bundledCreditSpecIsValidAndSpellsOutEveryDefault() {
    PipelineSpec spec = PipelineSpecs.load(java.nio.file.Path.of("..", "pipelines", "credit.yaml"));

    assertThat(spec.label().classes()).containsExactly("good", "bad");
    assertThat(spec.columns()).hasSize(13);
    assertThat(spec.split()).isEqualTo(PipelineSpec.SplitSpec.defaults());
    assertThat(spec.preprocess()).isEqualTo(PreprocessSpec.defaults());
    assertThat(spec.trainer()).isEqualTo(PipelineSpec.TrainerSpec.defaults());
    assertThat(spec.evaluator()).isEqualTo(PipelineSpec.EvaluatorSpec.defaults());
  }
}
