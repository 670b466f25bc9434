package io.streamtune.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.spec.PipelineSpec.Modality;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code trainer.backbone: auto} and its {@code trainer.selection} section. */
class SelectionSpecTest {

  private static String spec(String modality, String trainer) {
    return TrainerSpecTest.spec(modality, trainer);
  }

  @Test
  void autoIsABackboneOfEveryModalityWithTheSelectionDefaults() {
    for (String modality : List.of("tabular", "image", "text")) {
      TrainerSpec trainer = PipelineSpecs.parse(spec(modality, "backbone: auto"), "s").trainer();
      Modality parsed = Modality.valueOf(modality.toUpperCase(java.util.Locale.ROOT));
      assertThat(trainer.backboneFor(parsed)).isEqualTo(TrainerSpec.AUTO);
      assertThat(trainer.backboneIsPath(parsed)).isFalse();
      SelectionSpec selection = trainer.selection();
      assertThat(selection.minExamples()).isEqualTo(200);
      assertThat(selection.folds()).isZero();
      assertThat(selection.budgetSeconds()).isZero();
      assertThat(selection.candidates()).isEmpty();
      assertThat(selection.resamples()).isEqualTo(1000);
      assertThat(selection.afterDrift()).isTrue();
    }
  }

  @Test
  void everyKeyReadsAndIsChecked() {
    SelectionSpec selection =
        PipelineSpecs.parse(
                spec(
                    "tabular",
                    """
                    backbone: auto
                    selection:
                      minExamples: 50
                      folds: 3
                      budgetSeconds: 30
                      candidates: " logreg ,gbt,"
                      resamples: 200
                      afterDrift: false
                    """),
                "s")
            .trainer()
            .selection();
    assertThat(selection.minExamples()).isEqualTo(50);
    assertThat(selection.folds()).isEqualTo(3);
    assertThat(selection.budgetSeconds()).isEqualTo(30);
    assertThat(selection.candidates()).containsExactly("logreg", "gbt");
    assertThat(selection.resamples()).isEqualTo(200);
    assertThat(selection.afterDrift()).isFalse();

    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    spec("tabular", "backbone: auto\nselection: {minExamples: 5}"), "s.yaml"))
        .hasMessageContaining("trainer.selection.minExamples")
        .hasMessageContaining(">= 10");
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    spec("tabular", "backbone: auto\nselection: {afterDrift: maybe}"), "s.yaml"))
        .hasMessageContaining("trainer.selection.afterDrift")
        .hasMessageContaining("true or false");
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    spec("tabular", "backbone: auto\nselection: {fold: 3}"), "s.yaml"))
        .hasMessageContaining("unknown key 'trainer.selection.fold'");
  }

  @Test
  void theSelectionNeedsAutoAndAutoRefusesTheKeysItsCandidatesSet() {
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    spec("tabular", "backbone: gbt\nselection: {folds: 3}"), "s.yaml"))
        .hasMessageContaining("key 'trainer.selection' applies to backbone auto only")
        .hasMessageContaining("'gbt'");
    assertThatThrownBy(
            () -> PipelineSpecs.parse(spec("image", "backbone: auto\nstrategy: partial"), "s.yaml"))
        .hasMessageContaining("key 'trainer.strategy' does not apply to backbone auto");
    assertThatThrownBy(
            () -> PipelineSpecs.parse(spec("tabular", "backbone: auto\ngbt: {rounds: 5}"), "s"))
        .hasMessageContaining("key 'trainer.gbt' does not apply to backbone auto");
    // the fine-tuned text candidates start from the spec's transformer keys
    TrainerSpec text =
        PipelineSpecs.parse(spec("text", "backbone: auto\ntransformer: {batchSize: 8}"), "s")
            .trainer();
    assertThat(text.transformer()).isNotNull();
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("tabular", "backbone: mlpx"), "s.yaml"))
        .hasMessageContaining("allowed values: [mlp, gbt, auto]");
  }

  @Test
  void everyKeyIsDocumentedInTheReadme() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    assertThat(readme).contains("| `trainer.selection` |");
    for (Setting<?> setting : SelectionSpec.SETTINGS) {
      assertThat(setting.doc()).isNotBlank();
      assertThat(readme).contains("| `trainer.selection." + setting.name() + "` |");
    }
  }
}
