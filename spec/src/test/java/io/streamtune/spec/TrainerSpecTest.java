package io.streamtune.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.spec.PipelineSpec.Modality;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerSpecTest {

  @Test
  void aSectionSurvivesJavaSerializationWithItsWrittenKeysAndNestedSection() throws Exception {
    TrainerSpec written =
        TrainerSpec.read(
            java.util.Map.of(
                "epochs",
                7,
                "optimizer",
                "sgd",
                "hiddenUnits",
                List.of(16, 8),
                "backbone",
                "minilm-finetune",
                "transformer",
                java.util.Map.of("learningRate", 3e-5, "strategy", "last_k")));
    var bytes = new ByteArrayOutputStream();
    try (var out = new ObjectOutputStream(bytes)) {
      out.writeObject(written);
    }
    Object back;
    try (var in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = in.readObject();
    }
    assertThat(back).isEqualTo(written).isNotSameAs(written);
    TrainerSpec read = (TrainerSpec) back;
    assertThat(read.epochs()).isEqualTo(7);
    assertThat(read.get(TrainerSpec.OPTIMIZER)).isEqualTo(TrainerSpec.OptimizerKind.SGD);
    assertThat(read.get(TrainerSpec.TRANSFORMER).get(TransformerSpec.LEARNING_RATE))
        .isEqualTo(3e-5);
    assertThat(read.with(TrainerSpec.EPOCHS, 9).epochs()).isEqualTo(9);
  }

  /** A two-class spec of {@code modality} with the given {@code trainer} section. */
  static String spec(String modality, String trainer) {
    return "name: t\nmodality: "
        + modality
        + "\nlabel:\n  column: label\n  classes: [a, b]\n"
        + (modality.equals("tabular") ? "columns:\n  x: {type: numeric}\n" : "")
        + (modality.equals("image") ? "image: {width: 28, height: 28}\n" : "")
        + "trainer:\n"
        + trainer.indent(2);
  }

  @Test
  void everyNewKeyHasItsDefaultAndTheModalityPicksBackboneAndStrategy() {
    TrainerSpec image = PipelineSpecs.parse(spec("image", "seed: 1"), "s").trainer();
    TrainerSpec text = PipelineSpecs.parse(spec("text", "seed: 1"), "s").trainer();

    assertThat(image.backboneFor(Modality.IMAGE)).isEqualTo("mnist-cnn");
    assertThat(image.strategyFor(Modality.IMAGE)).isEqualTo(TrainerSpec.Strategy.FULL);
    assertThat(text.backboneFor(Modality.TEXT)).isEqualTo("minilm");
    assertThat(text.strategyFor(Modality.TEXT)).isEqualTo(TrainerSpec.Strategy.LINEAR_PROBE);
    assertThat(image.backboneFor(Modality.TABULAR)).isEqualTo("mlp");
    assertThat(image.unfreezeLastBlocks()).isEqualTo(1);
    assertThat(image.backboneLrFactor()).isEqualTo(1.0);
    assertThat(image.gradualUnfreezing()).isZero();
    assertThat(image.optimizer()).isEqualTo(TrainerSpec.OptimizerKind.ADAM);
    assertThat(image.lrSchedule()).isEqualTo(TrainerSpec.LrSchedule.CONSTANT);
    assertThat(image.validationFraction()).isZero();
    assertThat(image.earlyStoppingPatience()).isEqualTo(3);
    assertThat(image.replayShare()).isEqualTo(0.5);
    assertThat(image.bufferMaxBytes()).isEqualTo(256L << 20);
    assertThat(image.device()).isNull();
    assertThat(image.threads()).isNull();
  }

  @Test
  void everyKeyReadsFromYamlAndWritesBack() {
    String trainer =
        """
        backbone: scratch
        strategy: full
        unfreezeLastBlocks: 2
        backboneLrFactor: 0.1
        gradualUnfreezing: 1
        optimizer: sgd
        lrSchedule: warmup_linear
        warmupFraction: 0.2
        validationFraction: 0.15
        earlyStoppingPatience: 2
        replayShare: 0.3
        bufferMaxBytes: 1048576
        device: cpu
        threads: 2
        """;
    PipelineSpec parsed = PipelineSpecs.parse(spec("image", trainer), "s");
    TrainerSpec t = parsed.trainer();

    assertThat(t.backbone()).isEqualTo("scratch");
    assertThat(t.optimizer()).isEqualTo(TrainerSpec.OptimizerKind.SGD);
    assertThat(t.lrSchedule()).isEqualTo(TrainerSpec.LrSchedule.WARMUP_LINEAR);
    assertThat(t.device()).isEqualTo(TrainerSpec.DeviceKind.CPU);
    assertThat(t.threads()).isEqualTo(2);
    assertThat(t.validationFraction()).isEqualTo(0.15);
    assertThat(PipelineSpecs.parse(PipelineSpecs.toYaml(parsed), "again")).isEqualTo(parsed);
    assertThat(t.withRetrainEvery(7).lrSchedule()).isEqualTo(TrainerSpec.LrSchedule.WARMUP_LINEAR);
  }

  @Test
  void invalidEnumValuesNameTheKeyAndTheAllowedValues() {
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("image", "strategy: half"), "s.yaml"))
        .hasMessageContaining("trainer.strategy")
        .hasMessageContaining("[linear_probe, partial, full]");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("image", "optimizer: lbfgs"), "s.yaml"))
        .hasMessageContaining("trainer.optimizer")
        .hasMessageContaining("[adam, sgd]");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("image", "lrSchedule: step"), "s.yaml"))
        .hasMessageContaining("trainer.lrSchedule")
        .hasMessageContaining("[constant, cosine, warmup_linear]");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("image", "device: tpu"), "s.yaml"))
        .hasMessageContaining("trainer.device")
        .hasMessageContaining("[auto, cpu, gpu]");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("image", "learningRat: 1"), "s.yaml"))
        .hasMessageContaining("unknown key 'trainer.learningRat'");
  }

  @Test
  void backbonesAreCheckedPerModality() {
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("text", "backbone: bert"), "s.yaml"))
        .hasMessageContaining("'bert' for key 'trainer.backbone'")
        .hasMessageContaining("[minilm, minilm-finetune, tfidf, auto]");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("tabular", "backbone: minilm"), "s.yaml"))
        .hasMessageContaining("trainer.backbone")
        .hasMessageContaining("[mlp, gbt, auto]");
    assertThatThrownBy(
            () -> PipelineSpecs.parse(spec("image", "backbone: /no/such/model.pt"), "s.yaml"))
        .hasMessageContaining("trainer.backbone")
        .hasMessageContaining("/no/such/model.pt")
        .hasMessageContaining("mnist-cnn, scratch");
  }

  @Test
  void theFineTunedTransformerTakesItsStrategyFromItsOwnSection() {
    String trainer =
        """
        backbone: minilm-finetune
        transformer:
          strategy: last_k
          unfreezeLastLayers: 2
          maxLength: 32
        """;
    PipelineSpec parsed = PipelineSpecs.parse(spec("text", trainer), "s");
    TrainerSpec t = parsed.trainer();

    assertThat(t.backboneFor(Modality.TEXT)).isEqualTo(TrainerSpec.MINILM_FINETUNE);
    assertThat(t.backboneIsPath(Modality.TEXT)).isFalse();
    assertThat(t.strategyFor(Modality.TEXT)).isEqualTo(TrainerSpec.Strategy.PARTIAL);
    assertThat(t.transformer().get(TransformerSpec.MAX_LENGTH)).isEqualTo(32);
    assertThat(t.transformer().get(TransformerSpec.STRATEGY))
        .isEqualTo(TransformerSpec.Strategy.LAST_K);
    assertThat(t.transformer().get(TransformerSpec.EPOCHS)).as("declared default").isEqualTo(4);
    assertThat(PipelineSpecs.parse(PipelineSpecs.toYaml(parsed), "again")).isEqualTo(parsed);
    assertThat(t.withRetrainEvery(7).transformer()).isEqualTo(t.transformer());
    assertThat(
            PipelineSpecs.parse(spec("text", "backbone: minilm-finetune"), "s")
                .trainer()
                .strategyFor(Modality.TEXT))
        .as("full fine-tuning by default")
        .isEqualTo(TrainerSpec.Strategy.FULL);

    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    spec("text", "backbone: minilm\ntransformer: {epochs: 1}"), "s.yaml"))
        .hasMessageContaining("key 'trainer.transformer' applies to backbone minilm-finetune");
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    spec("text", "backbone: minilm-finetune\nstrategy: full"), "s.yaml"))
        .hasMessageContaining("key 'trainer.strategy' does not apply")
        .hasMessageContaining("trainer.transformer.strategy");
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    spec("text", "backbone: minilm-finetune\ntransformer: {strategy: most}"),
                    "s.yaml"))
        .hasMessageContaining("'most' for key 'trainer.transformer.strategy'")
        .hasMessageContaining("[frozen, last_k, full]");
  }

  @Test
  void gradientBoostedTreesAreATabularBackboneSetUpByTheirOwnSection() {
    String trainer =
        """
        backbone: gbt
        validationFraction: 0.1
        gbt:
          rounds: 300
          learningRate: 0.05
          maxLeaves: 0
          maxDepth: 6
          classWeight: none
        """;
    PipelineSpec parsed = PipelineSpecs.parse(spec("tabular", trainer), "s");
    TrainerSpec t = parsed.trainer();

    assertThat(t.backboneFor(Modality.TABULAR)).isEqualTo(TrainerSpec.GBT);
    assertThat(t.backboneIsPath(Modality.TABULAR)).isFalse();
    assertThat(t.strategyFor(Modality.TABULAR)).isEqualTo(TrainerSpec.Strategy.FULL);
    assertThat(t.gbt().get(GbtSpec.ROUNDS)).isEqualTo(300);
    assertThat(t.gbt().get(GbtSpec.LEARNING_RATE)).isEqualTo(0.05);
    assertThat(t.gbt().get(GbtSpec.MAX_DEPTH)).isEqualTo(6);
    assertThat(t.gbt().get(GbtSpec.CLASS_WEIGHT)).isEqualTo(GbtSpec.ClassWeight.NONE);
    assertThat(t.gbt().get(GbtSpec.EARLY_STOPPING_ROUNDS)).as("declared default").isEqualTo(10);
    assertThat(PipelineSpecs.parse(PipelineSpecs.toYaml(parsed), "again")).isEqualTo(parsed);
    assertThat(
            PipelineSpecs.parse(spec("tabular", "backbone: gbt"), "s")
                .trainer()
                .gbt()
                .get(GbtSpec.MAX_LEAVES))
        .as("sklearn's max_leaf_nodes when the section is absent")
        .isEqualTo(31);
  }

  @Test
  void gradientBoostedTreesAreRefusedOutsideTabularAndTheirSectionOutsideGbt() {
    for (String modality : List.of("image", "text")) {
      assertThatThrownBy(() -> PipelineSpecs.parse(spec(modality, "backbone: gbt"), "s.yaml"))
          .as(modality)
          .hasMessageContaining("invalid value 'gbt' for key 'trainer.backbone'")
          .hasMessageContaining(
              modality.equals("text")
                  ? "[minilm, minilm-finetune, tfidf, auto]"
                  : "[mnist-cnn, scratch, auto");
    }
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("tabular", "gbt: {rounds: 5}"), "s.yaml"))
        .hasMessageContaining("key 'trainer.gbt' applies to backbone gbt only")
        .hasMessageContaining("'mlp'");
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    spec("tabular", "backbone: gbt\nstrategy: linear_probe"), "s.yaml"))
        .hasMessageContaining("key 'trainer.strategy'")
        .hasMessageContaining("[full] (the tabular gbt has no pretrained backbone)");
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    spec("tabular", "backbone: gbt\ngbt: {classWeight: inverse}"), "s.yaml"))
        .hasMessageContaining("'inverse' for key 'trainer.gbt.classWeight'")
        .hasMessageContaining("[none, balanced]");
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    spec("tabular", "backbone: gbt\ngbt: {subsample: 0}"), "s.yaml"))
        .hasMessageContaining("trainer.gbt.subsample")
        .hasMessageContaining("in (0, 1]");
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    spec("tabular", "backbone: gbt\ngbt: {maxLeaves: 0}"), "s.yaml"))
        .hasMessageContaining("'trainer.gbt.maxDepth' and 'trainer.gbt.maxLeaves' are both 0");
    assertThatThrownBy(
            () -> PipelineSpecs.parse(spec("tabular", "backbone: gbt\ngbt: {trees: 5}"), "s.yaml"))
        .hasMessageContaining("unknown key 'trainer.gbt.trees'")
        .hasMessageContaining("rounds");
  }

  @Test
  void aBackbonePathThatExistsIsAccepted(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("net.pt"), "x");
    PipelineSpec spec = PipelineSpecs.parse(spec("image", "backbone: " + file), "s");

    assertThat(spec.trainer().backboneIsPath(Modality.IMAGE)).isTrue();
  }

  @Test
  void strategiesMustFitTheBackbone() {
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("text", "strategy: full"), "s.yaml"))
        .hasMessageContaining("trainer.strategy")
        .hasMessageContaining("[linear_probe]");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("tabular", "strategy: partial"), "s.yaml"))
        .hasMessageContaining("trainer.strategy")
        .hasMessageContaining("[full]");
    assertThatThrownBy(
            () ->
                PipelineSpecs.parse(
                    spec("image", "backbone: scratch\nstrategy: linear_probe"), "s.yaml"))
        .hasMessageContaining("trainer.strategy")
        .hasMessageContaining("scratch");
  }

  @Test
  void everySettingIsDeclaredOnceWithItsDocAndTheErrorListsThem() {
    for (List<Setting<?>> section :
        List.of(TrainerSpec.SETTINGS, TransformerSpec.SETTINGS, GbtSpec.SETTINGS)) {
      assertThat(section.stream().map(Setting::name)).doesNotHaveDuplicates();
      assertThat(section).allSatisfy(setting -> assertThat(setting.doc()).isNotBlank());
    }
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("tabular", "epoch: 3"), "s.yaml"))
        .hasMessageContaining("s.yaml: unknown key 'trainer.epoch'")
        .hasMessageContaining(
            TrainerSpec.SETTINGS.stream().map(Setting::name).sorted().toList().toString());
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("tabular", "epochs: many"), "s.yaml"))
        .hasMessageContaining("s.yaml: invalid value 'many' for key 'trainer.epochs'")
        .hasMessageContaining("an integer >= 1");
    assertThatThrownBy(() -> TrainerSpec.defaults().with(TrainerSpec.EPOCHS, 0))
        .hasMessageContaining("key 'trainer.epochs' must be >= 1, got 0");
    assertThat(TrainerSpec.defaults().with(TrainerSpec.EPOCHS, 3).epochs()).isEqualTo(3);
    assertThat(TrainerSpec.defaults().epochs()).isEqualTo(TrainerSpec.EPOCHS.defaultValue());
  }

  @Test
  void numericRangesAreChecked() {
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("image", "unfreezeLastBlocks: 0"), "s"))
        .hasMessageContaining("trainer.unfreezeLastBlocks");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("image", "backboneLrFactor: 0"), "s"))
        .hasMessageContaining("trainer.backboneLrFactor");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("image", "validationFraction: 0.9"), "s"))
        .hasMessageContaining("trainer.validationFraction");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("image", "replayShare: 1.5"), "s"))
        .hasMessageContaining("trainer.replayShare");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("image", "warmupFraction: 1"), "s"))
        .hasMessageContaining("trainer.warmupFraction");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("image", "threads: 0"), "s"))
        .hasMessageContaining("trainer.threads");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("image", "bufferMaxBytes: 10"), "s"))
        .hasMessageContaining("trainer.bufferMaxBytes");
  }

  @Test
  void warmRoundKeysReadTheirValuesAndRefuseOthersNamingTheKey() {
    TrainerSpec read =
        PipelineSpecs.parse(
                spec("tabular", "warmRoundScaling: 2.5\nwarmLrFactor: 0.5\nwarmEma: 0.75"),
                "s.yaml")
            .trainer();
    assertThat(read.warmRoundScaling()).isEqualTo(2.5);
    assertThat(read.warmLrFactor()).isEqualTo(0.5);
    assertThat(read.warmEma()).isEqualTo(0.75);
    TrainerSpec defaults = TrainerSpec.defaults();
    assertThat(defaults.warmRoundScaling()).isEqualTo(1.0);
    assertThat(defaults.warmLrFactor()).isEqualTo(0.3);
    assertThat(defaults.warmEma()).isEqualTo(0.5);
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("tabular", "warmRoundScaling: -1"), "s.yaml"))
        .hasMessageContaining("trainer.warmRoundScaling")
        .hasMessageContaining(">= 0");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("tabular", "warmLrFactor: 0"), "s.yaml"))
        .hasMessageContaining("trainer.warmLrFactor")
        .hasMessageContaining("in (0, 1]");
    assertThatThrownBy(() -> PipelineSpecs.parse(spec("tabular", "warmEma: 1.0"), "s.yaml"))
        .hasMessageContaining("trainer.warmEma")
        .hasMessageContaining("in [0, 1)");
  }
}
