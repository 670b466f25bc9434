package io.streamtune.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.streamtune.spec.PipelineSpec.ColumnType;
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

  /**
   * Flink hands each operator its own Java-deserialized copy of the spec; their category strings
   * are the same objects, so category lookups match by identity.
   */
  @Test
  void everyCopyOfTheSpecHoldsTheSameCategoryStrings() throws Exception {
    PipelineSpec spec = PipelineSpecs.parse(MINIMAL, "test");
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(spec);
    }
    PipelineSpec copy;
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (PipelineSpec) in.readObject();
    }
    PipelineSpec parsedAgain = PipelineSpecs.parse(MINIMAL, "again");

    List<String> categories = spec.columns().get("Home").categories();
    assertThat(copy.columns().get("Home").categories()).isEqualTo(categories);
    for (int i = 0; i < categories.size(); i++) {
      assertThat(copy.columns().get("Home").categories().get(i)).isSameAs(categories.get(i));
      assertThat(parsedAgain.columns().get("Home").categories().get(i)).isSameAs(categories.get(i));
    }
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
        PipelineSpec.tabular(
            spec.name(), new PipelineSpec.LabelSpec("Income", List.of("a", "b")), spec.columns());

    assertThatThrownBy(() -> PipelineSpecs.validate(bad, "built"))
        .hasMessageContaining("label column 'Income'");
  }

  private static final String IMAGE =
      """
      name: shirts
      modality: image
      label:
        classes: [shirt, coat]
      image: {width: 28, height: 28}
      """;

  private static final String TEXT =
      """
      name: mails
      modality: text
      label:
        classes: [ham, spam]
      """;

  @Test
  void imageSpecNeedsNoColumnsAndTakesTheAugmentDefaults() {
    PipelineSpec spec = PipelineSpecs.parse(IMAGE, "test");

    assertThat(spec.modality()).isEqualTo(PipelineSpec.Modality.IMAGE);
    assertThat(spec.image()).isEqualTo(new ImageSpec(28, 28, 1));
    assertThat(spec.text()).isNull();
    assertThat(spec.label().column()).isEqualTo("label");
    AugmentSpec augment = spec.augment();
    assertThat(augment.copies()).isZero();
    assertThat(augment.enabled()).isFalse();
    assertThat(augment.seed()).isEqualTo(42L);
    assertThat(augment.image().crop()).isEqualTo(new AugmentSpec.Crop(0.5, 0.5, 0.75));
    assertThat(augment.image().flipHorizontal().probability()).isEqualTo(0.5);
    assertThat(augment.image().flipVertical().probability()).isZero();
    assertThat(augment.image().rotation()).isEqualTo(new AugmentSpec.Rotation(0.5, 15.0));
    assertThat(augment.image().colorJitter())
        .isEqualTo(new AugmentSpec.ColorJitter(0.5, 0.4, 0.4, 0.0, 0.0));
    assertThat(augment.image().noise()).isEqualTo(new AugmentSpec.Noise(0.0, 10.0));
    assertThat(PipelineSpecs.parse(PipelineSpecs.toYaml(spec), "round-trip")).isEqualTo(spec);
  }

  @Test
  void textSpecGetsTheTextDefaults() {
    PipelineSpec spec = PipelineSpecs.parse(TEXT, "test");

    assertThat(spec.text()).isEqualTo(new TextSpec("text", null, 10_000, TextSpec.Format.PLAIN));
    assertThat(spec.augment().text()).isEqualTo(new AugmentSpec.TextOps(0.1, 0.1, 0.1, 0.1));
    assertThat(PipelineSpecs.parse(PipelineSpecs.toYaml(spec), "round-trip")).isEqualTo(spec);
  }

  @Test
  void perClassCopiesOverrideTheDefaultCount() {
    PipelineSpec spec =
        PipelineSpecs.parse(IMAGE + "augment: {copies: 2, copiesPerClass: {coat: 5}}\n", "test");

    assertThat(spec.augment().copiesFor("coat")).isEqualTo(5);
    assertThat(spec.augment().copiesFor("shirt")).isEqualTo(2);
    assertThat(spec.augment().enabled()).isTrue();
  }

  @Test
  void tabularSectionsAreRejectedForImagesAndTexts() {
    assertThatThrownBy(
            () -> PipelineSpecs.parse(IMAGE + "columns:\n  a: {type: numeric}\n", "spec.yaml"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("key 'columns' does not apply to modality image");
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    TEXT + "preprocess:\n  steps:\n    - scale: {method: minmax}\n", "spec.yaml"))
        .hasMessageContaining("key 'preprocess'")
        .hasMessageContaining("modality text");
    assertThatThrownBy(() -> PipelineSpecs.parse(TEXT + "sampling: {method: smote}\n", "spec.yaml"))
        .hasMessageContaining("key 'sampling.method' must be none for modality text");
  }

  @Test
  void imageSpecNeedsItsShape() {
    assertThatThrownBy(
            () -> PipelineSpecs.parse(IMAGE.replace("image: {width: 28, height: 28}", ""), "s"))
        .hasMessageContaining("key 'image' is required for modality image");
    assertThatThrownBy(() -> PipelineSpecs.parse(IMAGE.replace("width: 28, ", ""), "s"))
        .hasMessageContaining("key 'image.width' is required");
    assertThatThrownBy(
            () -> PipelineSpecs.parse(IMAGE.replace("height: 28", "height: 28, channels: 4"), "s"))
        .hasMessageContaining("'4' for key 'image.channels'; allowed values: [1, 3]");
    assertThatThrownBy(() -> PipelineSpecs.parse(TEXT + "image: {width: 2, height: 2}\n", "s"))
        .hasMessageContaining("key 'image' applies to modality image only");
  }

  @Test
  void aKeyWrittenTwiceIsAnError() {
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    TEXT + "text: {maxChars: 10}\nsplit: {salt: a}\ntext: {maxChars: 20}\n", "s"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("s: Duplicate field 'text'");
  }

  @Test
  void textFormatTakesPlainOrEmail() {
    assertThat(PipelineSpecs.parse(TEXT + "text: {format: email}\n", "s").text().format())
        .isEqualTo(TextSpec.Format.EMAIL);
    assertThatThrownBy(() -> PipelineSpecs.parse(TEXT + "text: {format: mbox}\n", "s"))
        .hasMessageContaining("'mbox' for key 'text.format'; allowed values: [plain, email]");
  }

  @Test
  void augmentValuesAreCheckedByKeyWithTheirRange() {
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    IMAGE + "augment:\n  image:\n    rotation: {probability: 1.5}\n", "s"))
        .hasMessageContaining(
            "key 'augment.image.rotation.probability' must be in [0, 1], got 1.5");
    assertThatThrownBy(
            () -> PipelineSpecs.parse(IMAGE + "augment:\n  image:\n    crop: {minScale: 0}\n", "s"))
        .hasMessageContaining("key 'augment.image.crop.minScale' must be in (0, 1]");
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    IMAGE + "augment:\n  image:\n    colorJitter: {hue: 0.1}\n", "s"))
        .hasMessageContaining("augment.image.colorJitter.hue")
        .hasMessageContaining("no effect on grey images");
    assertThatThrownBy(() -> PipelineSpecs.parse(IMAGE + "augment: {copies: -1}\n", "s"))
        .hasMessageContaining("key 'augment.copies' must be in [0, 100], got -1");
    assertThatThrownBy(
            () -> PipelineSpecs.parse(IMAGE + "augment: {copiesPerClass: {hat: 2}}\n", "s"))
        .hasMessageContaining("key 'augment.copiesPerClass.hat' is not a class")
        .hasMessageContaining("[shirt, coat]");
    assertThatThrownBy(() -> PipelineSpecs.parse(TEXT + "augment:\n  text: {randomSwap: 2}\n", "s"))
        .hasMessageContaining("key 'augment.text.randomSwap' must be in [0, 1], got 2.0");
    assertThatThrownBy(
            () -> PipelineSpecs.parse(IMAGE + "augment:\n  text: {randomSwap: 0.2}\n", "s"))
        .hasMessageContaining("key 'augment.text' applies to modality text only");
  }

  @Test
  void unknownAugmentKeyNamesTheKeyAndTheAllowedOnes() {
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    IMAGE + "augment:\n  image:\n    rotation: {degrees: 10}\n", "s"))
        .hasMessageContaining("unknown key 'augment.image.rotation.degrees'")
        .hasMessageContaining("maxDegrees");
  }

  @Test
  void tabularSpecRejectsTheAugmentSection() {
    assertThatThrownBy(() -> PipelineSpecs.parse(MINIMAL + "augment: {copies: 2}\n", "s"))
        .hasMessageContaining("key 'augment' applies to modality image or text only");
    assertThatThrownBy(() -> PipelineSpecs.parse("modality: video\n" + MINIMAL, "s"))
        .hasMessageContaining("'video' for key 'modality'")
        .hasMessageContaining("[tabular, image, text]");
  }

  @Test
  void bundledImageAndTextSpecsAreValid() {
    PipelineSpec fashion =
        PipelineSpecs.load(java.nio.file.Path.of("..", "pipelines", "fashion-mnist.yaml"));
    assertThat(fashion.modality()).isEqualTo(PipelineSpec.Modality.IMAGE);
    assertThat(fashion.label().classes()).hasSize(10).contains("Shirt", "Ankle boot");
    assertThat(fashion.image()).isEqualTo(new ImageSpec(28, 28, 1));
    assertThat(fashion.augment().copiesFor("Shirt")).isEqualTo(4);
    assertThat(fashion.augment().copiesFor("Bag")).isEqualTo(2);
    assertThat(fashion.augment().image()).isEqualTo(AugmentSpec.ImageOps.defaults());

    PipelineSpec spam = PipelineSpecs.load(java.nio.file.Path.of("..", "pipelines", "spam.yaml"));
    assertThat(spam.modality()).isEqualTo(PipelineSpec.Modality.TEXT);
    assertThat(spam.text()).isEqualTo(new TextSpec("text", "id", 10_000, TextSpec.Format.EMAIL));
    assertThat(spam.augment().copiesFor("spam")).isEqualTo(4);
    assertThat(spam.augment().text()).isEqualTo(AugmentSpec.TextOps.defaults());
  }

  @Test
  void bundledCreditSpecIsValidAndSpellsOutEveryDefault() {
    PipelineSpec spec = PipelineSpecs.load(java.nio.file.Path.of("..", "pipelines", "credit.yaml"));

    assertThat(spec.label().classes()).containsExactly("good", "bad");
    assertThat(spec.columns()).hasSize(13);
    assertThat(spec.split()).isEqualTo(PipelineSpec.SplitSpec.defaults());
    assertThat(spec.preprocess()).isEqualTo(PreprocessSpec.defaults());
    assertThat(spec.trainer()).isEqualTo(TrainerSpec.defaults());
    assertThat(spec.evaluator()).isEqualTo(EvaluatorSpec.defaults());
    assertThat(spec.sampling()).isEqualTo(SamplingSpec.defaults());
  }

  @Test
  void samplingDefaultsToNoResampling() {
    SamplingSpec sampling = PipelineSpecs.parse(MINIMAL, "test").sampling();

    assertThat(sampling.method()).isEqualTo(SamplingSpec.Method.NONE);
    assertThat(sampling.target()).isEqualTo("auto");
    assertThat(sampling.minorityToMajorityRatio()).isEmpty();
    assertThat(sampling.classWeights()).isEmpty();
    assertThat(sampling.kNeighbors()).isEqualTo(5);
    assertThat(sampling.ennNeighbors()).isEqualTo(3);
    assertThat(sampling.reservoirSize()).isEqualTo(10_000);
    assertThat(sampling.cleaningWindow()).isEqualTo(2_000);
    assertThat(sampling.idleFlushMillis()).isEqualTo(2_000L);
    assertThat(sampling.seed()).isEqualTo(42L);
  }

  @Test
  void samplingSectionIsReadAndRoundTrips() {
    String yaml =
        MINIMAL
            + """
            sampling:
              method: smote_tomek
              target: "1:2"
              kNeighbors: 3
              reservoirSize: 500
              cleaningWindow: 100
              seed: 7
            """;

    PipelineSpec spec = PipelineSpecs.parse(yaml, "test");

    assertThat(spec.sampling().method()).isEqualTo(SamplingSpec.Method.SMOTE_TOMEK);
    assertThat(spec.sampling().minorityToMajorityRatio()).hasValue(0.5);
    assertThat(spec.sampling().kNeighbors()).isEqualTo(3);
    assertThat(spec.sampling().reservoirSize()).isEqualTo(500);
    assertThat(spec.sampling().cleaningWindow()).isEqualTo(100);
    assertThat(spec.sampling().seed()).isEqualTo(7L);
    assertThat(PipelineSpecs.parse(PipelineSpecs.toYaml(spec), "round-trip")).isEqualTo(spec);
  }

  @Test
  void classWeightsAreReadPerClass() {
    String yaml =
        MINIMAL + "sampling:\n  method: random_under\n  classWeights: {good: 2, bad: 1}\n";

    assertThat(PipelineSpecs.parse(yaml, "test").sampling().classWeights())
        .containsExactly(entry("good", 2.0), entry("bad", 1.0));
  }

  @Test
  void unknownSamplingKeyIsAnErrorThatNamesIt() {
    String yaml = MINIMAL + "sampling:\n  kNeighbours: 3\n";

    assertThatThrownBy(() -> PipelineSpecs.parse(yaml, "spec.yaml"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("unknown key 'sampling.kNeighbours'")
        .hasMessageContaining("kNeighbors");
  }

  @Test
  void unknownSamplingMethodNamesTheAllowedOnes() {
    String yaml = MINIMAL + "sampling:\n  method: adasyn\n";

    assertThatThrownBy(() -> PipelineSpecs.parse(yaml, "spec.yaml"))
        .hasMessageContaining("sampling.method")
        .hasMessageContaining(
            "[none, random_over, smote, random_under, tomek, enn, smote_tomek, smote_enn]");
  }

  @Test
  void invalidSamplingValuesAreRejectedNamingTheKey() {
    assertThatThrownBy(() -> parseSampling("method: smote\n  target: \"2:1\""))
        .hasMessageContaining("sampling.target")
        .hasMessageContaining("1:2");
    assertThatThrownBy(() -> parseSampling("method: smote\n  target: half"))
        .hasMessageContaining("sampling.target");
    assertThatThrownBy(() -> parseSampling("method: smote\n  kNeighbors: 0"))
        .hasMessageContaining("sampling.kNeighbors");
    assertThatThrownBy(() -> parseSampling("method: smote\n  reservoirSize: 5"))
        .hasMessageContaining("sampling.reservoirSize");
    assertThatThrownBy(() -> parseSampling("method: enn\n  cleaningWindow: 3"))
        .hasMessageContaining("sampling.cleaningWindow");
    assertThatThrownBy(() -> parseSampling("method: tomek\n  target: \"1:2\""))
        .hasMessageContaining("no effect with method 'tomek'");
    assertThatThrownBy(() -> parseSampling("method: smote\n  classWeights: {good: 1, ugly: 1}"))
        .hasMessageContaining("sampling.classWeights.ugly");
    assertThatThrownBy(() -> parseSampling("method: smote\n  classWeights: {good: 1}"))
        .hasMessageContaining("every class");
    assertThatThrownBy(
            () ->
                parseSampling(
                    "method: smote\n  target: \"1:2\"\n  classWeights: {good: 1, bad: 1}"))
        .hasMessageContaining("exclude each other");
    assertThatThrownBy(() -> parseSampling("method: tomek\n  idleFlushMillis: 0"))
        .hasMessageContaining("sampling.idleFlushMillis");
  }

  @Test
  void unquotedRatioIsReadAsTextNotAsASexagesimalNumber() {
    SamplingSpec sampling = parseSampling("method: smote\n  target: 1:4").sampling();

    assertThat(sampling.target()).isEqualTo("1:4");
    assertThat(sampling.minorityToMajorityRatio()).hasValue(0.25);
  }

  private static PipelineSpec parseSampling(String body) {
    return PipelineSpecs.parse(MINIMAL + "sampling:\n  " + body + "\n", "spec.yaml");
  }
}
