package io.streamtune.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluatorSpecTest {

  private static String spec(String evaluatorSection) {
    return """
        name: credit
        label:
          column: Status
          classes: [good, bad]
        columns:
          Income: {type: numeric}
        evaluator:
        """
        + evaluatorSection.indent(2);
  }

  @Test
  void absentSectionReadsEveryDefault() {
    EvaluatorSpec evaluator =
        PipelineSpecs.parse(spec("").replace("evaluator:\n", ""), "s.yaml").evaluator();

    assertThat(evaluator).isEqualTo(EvaluatorSpec.defaults());
    assertThat(evaluator.minMacroF1Gain()).isEqualTo(0.0);
    assertThat(evaluator.bootstrapResamples()).isEqualTo(1000);
    assertThat(evaluator.confidenceLevel()).isEqualTo(0.95);
    assertThat(evaluator.seed()).isEqualTo(42L);
    assertThat(evaluator.latencySamples()).isEqualTo(100);
    GateSpec gate = evaluator.gate();
    assertThat(gate.test()).isEqualTo(GateSpec.Test.BOOTSTRAP);
    assertThat(gate.mode()).isEqualTo(GateSpec.Mode.SUPERIOR);
    assertThat(gate.alpha()).isEqualTo(0.05);
    assertThat(gate.margin()).isEqualTo(0.01);
    assertThat(gate.minHoldout()).isEqualTo(30);
    assertThat(gate.minMacroF1()).isEqualTo(0.0);
    assertThat(gate.minAccuracy()).isEqualTo(0.0);
  }

  @Test
  void everyKeyIsReadFromYamlAndWritingTheDefaultsEqualsLeavingThemOut() {
    EvaluatorSpec evaluator =
        PipelineSpecs.parse(
                spec(
                    """
                    minMacroF1Gain: 0.02
                    bootstrapResamples: 2000
                    confidenceLevel: 0.9
                    seed: 7
                    latencySamples: 0
                    gate:
                      test: mcnemar
                      mode: non_inferior
                      alpha: 0.01
                      margin: 0.02
                      minHoldout: 50
                      minMacroF1: 0.6
                      minAccuracy: 0.7
                    """),
                "s.yaml")
            .evaluator();

    assertThat(evaluator.minMacroF1Gain()).isEqualTo(0.02);
    assertThat(evaluator.bootstrapResamples()).isEqualTo(2000);
    assertThat(evaluator.confidenceLevel()).isEqualTo(0.9);
    assertThat(evaluator.seed()).isEqualTo(7L);
    assertThat(evaluator.latencySamples()).isZero();
    GateSpec gate = evaluator.gate();
    assertThat(gate.test()).isEqualTo(GateSpec.Test.MCNEMAR);
    assertThat(gate.mode()).isEqualTo(GateSpec.Mode.NON_INFERIOR);
    assertThat(gate.alpha()).isEqualTo(0.01);
    assertThat(gate.margin()).isEqualTo(0.02);
    assertThat(gate.minHoldout()).isEqualTo(50);
    assertThat(gate.minMacroF1()).isEqualTo(0.6);
    assertThat(gate.minAccuracy()).isEqualTo(0.7);
    // every declared key was written above: a key added without a reader fails here
    assertThat(evaluator.values().toYaml().keySet())
        .containsExactlyElementsOf(EvaluatorSpec.SETTINGS.stream().map(Setting::name).toList());
    assertThat(evaluator.gate().values().toYaml().keySet())
        .containsExactlyElementsOf(GateSpec.SETTINGS.stream().map(Setting::name).toList());

    EvaluatorSpec spelledOut =
        PipelineSpecs.parse(spec("gate:\n  test: bootstrap\n  alpha: 0.05\n"), "s.yaml")
            .evaluator();
    assertThat(spelledOut).isEqualTo(EvaluatorSpec.defaults());
  }

  @Test
  void badValuesFailNamingTheKeyAndWhatItAllows() {
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("gate:\n  test: ttest\n"), "s.yaml"))
        .hasMessageContaining("evaluator.gate.test")
        .hasMessageContaining("[bootstrap, mcnemar]");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("gate:\n  alpha: 0.7\n"), "s.yaml"))
        .hasMessageContaining("evaluator.gate.alpha")
        .hasMessageContaining("in (0, 0.5]");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("gate:\n  mode: better\n"), "s.yaml"))
        .hasMessageContaining("evaluator.gate.mode")
        .hasMessageContaining("non_inferior");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("gate:\n  minHoldout: 0\n"), "s.yaml"))
        .hasMessageContaining("evaluator.gate.minHoldout");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("bootstrapResamples: 10\n"), "s.yaml"))
        .hasMessageContaining("evaluator.bootstrapResamples")
        .hasMessageContaining("100..1000000");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("gate:\n  alfa: 0.1\n"), "s.yaml"))
        .hasMessageContaining("unknown key 'evaluator.gate.alfa'")
        .hasMessageContaining(
            GateSpec.SETTINGS.stream().map(Setting::name).sorted().toList().toString());
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("gate: 3\n"), "s.yaml"))
        .hasMessageContaining("evaluator.gate");
    for (List<Setting<?>> section : List.of(EvaluatorSpec.SETTINGS, GateSpec.SETTINGS)) {
      assertThat(section.stream().map(Setting::name)).doesNotHaveDuplicates();
      assertThat(section).allSatisfy(setting -> assertThat(setting.doc()).isNotBlank());
    }
  }

  @Test
  void everyKeyIsDocumentedInTheReadme() throws Exception {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
    for (Setting<?> setting : EvaluatorSpec.SETTINGS) {
      if (setting != EvaluatorSpec.GATE) {
        assertThat(readme).contains("| `evaluator." + setting.name() + "` |");
      }
    }
    for (Setting<?> setting : GateSpec.SETTINGS) {
      assertThat(readme).contains("| `evaluator.gate." + setting.name() + "` |");
    }
  }

  @Test
  void theSectionSurvivesJavaSerializationWithItsGate() throws Exception {
    EvaluatorSpec written =
        EvaluatorSpec.read(Map.of("seed", 5, "gate", Map.of("test", "mcnemar", "alpha", 0.1)));
    var bytes = new ByteArrayOutputStream();
    try (var out = new ObjectOutputStream(bytes)) {
      out.writeObject(written);
    }
    try (var in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      EvaluatorSpec back = (EvaluatorSpec) in.readObject();
      assertThat(back).isEqualTo(written);
      assertThat(back.gate().test()).isEqualTo(GateSpec.Test.MCNEMAR);
      assertThat(back.seed()).isEqualTo(5L);
    }
  }
}
