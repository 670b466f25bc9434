package io.streamtune.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.spec.PreprocessSpec.ImputeStrategy;
import io.streamtune.spec.PreprocessSpec.ScaleMethod;
import io.streamtune.spec.StepSpec.Impute;
import io.streamtune.spec.StepSpec.Pca;
import org.junit.jupiter.api.Test;

class PreprocessSpecTest {

  private static final String BASE =
      """
      label: {column: y, classes: [a, b]}
      columns:
        x1: {type: numeric}
        x2: {type: numeric}
        home: {type: categorical, categories: [own, rent]}
        job: {type: categorical, categories: [fixed, free, other]}
      """;

  private static PipelineSpec parse(String preprocessYaml) {
    return PipelineSpecs.parse(BASE + "preprocess:\n" + preprocessYaml, "spec.yaml");
  }

  @Test
  void stepsParseWithTheirDefaults() {
    PipelineSpec spec =
        parse(
            """
              steps:
                - impute: {strategy: median, columns: [x1]}
                - winsorize: {}
                - scale: {method: robust}
                - oneHot: {}
                - pca: {components: 3}
            """);

    var steps = spec.preprocess().steps();
    assertThat(steps).hasSize(5);
    assertThat(steps.get(0))
        .isEqualTo(
            new Impute(
                ImputeStrategy.MEDIAN, java.util.List.of("x1"), null, null, 1000, 10_000, 100_000));
    assertThat(((StepSpec.Winsorize) steps.get(1)).lower()).isEqualTo(0.01);
    assertThat(((StepSpec.Winsorize) steps.get(1)).upper()).isEqualTo(0.99);
    assertThat(((StepSpec.Scale) steps.get(2)).method()).isEqualTo(ScaleMethod.ROBUST);
    assertThat(((StepSpec.Scale) steps.get(2)).quantileRange()).containsExactly(25.0, 75.0);
    assertThat(((Pca) steps.get(4)).effectiveBatchSize(9)).isEqualTo(45);
    assertThat(spec.featureNames()).containsExactly("pc1", "pc2", "pc3");
  }

  @Test
  void defaultFeatureNamesAreOneHotSlotsInColumnOrder() {
    PipelineSpec spec = PipelineSpecs.parse(BASE, "spec.yaml");

    assertThat(spec.featureNames())
        .containsExactly(
            "x1",
            "x2",
            "home=own",
            "home=rent",
            "home=<unseen>",
            "job=fixed",
            "job=free",
            "job=other",
            "job=<unseen>");
  }

  @Test
  void hashingSelectionAndMutualInformationFixTheWidth() {
    PipelineSpec spec =
        parse(
            """
              warmup: 100
              steps:
                - impute: {strategy: constant}
                - hash: {columns: [home, job], buckets: 4}
                - select: {drop: [x2]}
                - selectKBest: {k: 2}
            """);

    assertThat(spec.preprocess().frames(spec.columns(), "t").get(2).stream().map(f -> f.name()))
        .containsExactly("x1", "x2", "hash_0", "hash_1", "hash_2", "hash_3");
    assertThat(spec.featureNames()).containsExactly("mi_1", "mi_2");
  }

  @Test
  void writtenYamlReadsBackEqual() {
    PipelineSpec spec =
        parse(
            """
              warmup: 10
              freezeAfter: 20
              steps:
                - dropMissing: {columns: [x1]}
                - impute: {strategy: interpolate, by: home}
                - impute: {strategy: constant, fillValue: "7"}
                - clip: {min: 0}
                - zscoreClip: {}
                - iqrClip: {}
                - log1p: {columns: [x2]}
                - yeoJohnson: {}
                - bin: {columns: [x2], bins: 3, strategy: uniform}
                - scale: {method: minmax}
                - dropColumns: {}
                - oneHot: {unseenBucket: false}
                - varianceThreshold: {threshold: 0.1}
                - normalize: {}
                - pca: {components: 2, batchSize: 50}
            """);

    assertThat(PipelineSpecs.parse(PipelineSpecs.toYaml(spec), "again")).isEqualTo(spec);
  }

  @Test
  void unknownStepNamesTheAllowedSteps() {
    assertThatThrownBy(() -> parse("  steps:\n    - standardise: {}\n"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("unknown step 'standardise'")
        .hasMessageContaining("preprocess.steps[0]")
        .hasMessageContaining("winsorize");
  }

  @Test
  void unknownKeyInAStepIsAnError() {
    assertThatThrownBy(() -> parse("  steps:\n    - winsorize: {lowr: 0.05}\n"))
        .hasMessageContaining("unknown key 'preprocess.steps[0].lowr'")
        .hasMessageContaining("lower");
  }

  @Test
  void unknownTopLevelPreprocessKeyIsAnError() {
    assertThatThrownBy(() -> parse("  scaling: standard\n"))
        .hasMessageContaining("unknown key 'preprocess.scaling'")
        .hasMessageContaining("steps");
  }

  @Test
  void aNumericStepOnACategoricalColumnNamesTheColumn() {
    assertThatThrownBy(() -> parse("  steps:\n    - scale: {columns: [home]}\n"))
        .hasMessageContaining("preprocess.steps[0].scale.columns")
        .hasMessageContaining("'home'")
        .hasMessageContaining("numeric");
  }

  @Test
  void anUnknownColumnIsNamed() {
    assertThatThrownBy(() -> parse("  steps:\n    - clip: {columns: [x9], max: 1}\n"))
        .hasMessageContaining("'x9'");
  }

  @Test
  void categoricalColumnsMustBeEncodedByTheEnd() {
    assertThatThrownBy(() -> parse("  steps:\n    - scale: {}\n"))
        .hasMessageContaining("categorical column 'home'")
        .hasMessageContaining("oneHot");
  }

  @Test
  void warmupDecidedStepsNeedAWarmup() {
    assertThatThrownBy(() -> parse("  steps:\n    - oneHot: {}\n    - selectKBest: {k: 2}\n"))
        .hasMessageContaining("preprocess.warmup");
  }

  @Test
  void dropMissingAndSeriesImputationComeFirst() {
    assertThatThrownBy(() -> parse("  steps:\n    - oneHot: {}\n    - dropMissing: {}\n"))
        .hasMessageContaining("preprocess.steps[1]")
        .hasMessageContaining("dropMissing");
    assertThatThrownBy(() -> parse("  steps:\n    - oneHot: {}\n    - impute: {strategy: ffill}\n"))
        .hasMessageContaining("preprocess.steps[1]")
        .hasMessageContaining("ffill");
  }

  @Test
  void imputeBoundsAreSettableAndCheckedByName() {
    var impute =
        (Impute)
            parse(
                    "  steps:\n    - impute: {strategy: most_frequent, maxDistinct: 50, maxKeys: 7}\n"
                        + "    - oneHot: {}\n")
                .preprocess()
                .steps()
                .get(0);
    assertThat(impute.maxDistinct()).isEqualTo(50);
    assertThat(impute.maxKeys()).isEqualTo(7);
    assertThatThrownBy(
            () -> parse("  steps:\n    - impute: {strategy: most_frequent, maxDistinct: 0}\n"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining(
            "preprocess.steps[0].impute.maxDistinct must be in [1, 10000000], got 0");
    assertThatThrownBy(() -> parse("  steps:\n    - impute: {strategy: ffill, maxKeys: -3}\n"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining(
            "preprocess.steps[0].impute.maxKeys must be in [1, 100000000], got -3");
  }

  @Test
  void pcaCannotHaveMoreComponentsThanFeatures() {
    assertThatThrownBy(() -> parse("  steps:\n    - oneHot: {}\n    - pca: {components: 10}\n"))
        .hasMessageContaining("components must be in [1, 9]");
  }

  @Test
  void freezeAfterMustCoverTheWarmup() {
    assertThatThrownBy(() -> parse("  warmup: 100\n  freezeAfter: 50\n"))
        .hasMessageContaining("preprocess.freezeAfter");
  }
}
