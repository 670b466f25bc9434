package io.streamtune.trainer;

import static io.streamtune.trainer.ImageRoundFixture.allBlocks;
import static io.streamtune.trainer.ImageRoundFixture.backboneSpec;
import static io.streamtune.trainer.ImageRoundFixture.colours;
import static io.streamtune.trainer.ImageRoundFixture.export;
import static io.streamtune.trainer.ImageRoundFixture.same;
import static io.streamtune.trainer.ImageRoundFixture.saveVersion;
import static io.streamtune.trainer.ImageRoundFixture.scaled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.streamtune.model.ModelStore;
import io.streamtune.model.StoredModel;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.SpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MobileNet recipe ({@code pipelines/backbones/export_mobilenet_v3.py}, run by Debian's torch
 * with random weights): a scripted MobileNetV3-small whose forward returns ImageNet's logits and
 * whose exported method {@code forward_features} returns the pooled features; the sidecar names
 * that method as the feature layer, so the new head reads its 576 features, not the 1,000 logits,
 * and the frozen backbone stays bit-identical after a round.
 */
class MobileNetRecipeTest {

  private static Path mobileNet() throws Exception {
    return export(
        Path.of("target", "byo-mobilenet-v3"),
        "mobilenet_v3_small.pt",
        "../pipelines/backbones/export_mobilenet_v3.py",
        "--side",
        "48",
        "--random");
  }

  @Test
  void theExportedForwardFeaturesMethodIsTheFeatureLayerAndTheBackboneStaysFrozen(@TempDir Path dir)
      throws Exception {
    Path module = mobileNet().resolve("mobilenet_v3_small.pt");
    PipelineSpec spec = backboneSpec(module, "  strategy: linear_probe\n");
    assertThat(spec.image().width()).isEqualTo(48);
    float[][] unseen = scaled(colours(12, 48, 5));
    int[] trained;
    Path version;
    try (ImageCnnRoundTrainer trainer = ImageCnnRoundTrainer.create(spec, 2, Device.cpu())) {
      assertThat(trainer.architecture())
          .startsWith("user-backbone[torchscript method forward_features | dense128] from ")
          .endsWith("; input 48x48x3 mean 0.485,0.456,0.406 std 0.229,0.224,0.225");
      List<float[]> head = trainer.tuner().headValues();
      // MobileNetV3-small's pooled features (576), not forward's 1,000 logits
      assertThat(head.get(0)).hasSize(128 * 576);
      // its top-level submodules: the classifier forward_features skips, then 13 feature stages
      assertThat(trainer.tuner().backboneBlockCount()).isEqualTo(14);
      List<List<float[]>> backbone = allBlocks(trainer);

      trainer.train(colours(32, 48, 1), () -> false);

      List<List<float[]>> after = allBlocks(trainer);
      for (int block = 0; block < backbone.size(); block++) {
        assertThat(same(after.get(block), backbone.get(block)))
            .as("frozen MobileNet block %d after a round", block)
            .isTrue();
      }
      assertThat(same(trainer.tuner().headValues(), head)).as("the new head trained").isFalse();
      trained = trainer.tuner().predict(unseen);
      version = saveVersion(trainer, dir);
    }
    // the stored version runs the same method (its architecture names it) without the file
    try (StoredModel stored = new ModelStore(dir).load(version, Device.cpu());
        ImageCnnRoundTrainer resumed =
            ImageCnnRoundTrainer.resume(version, spec, 2, Device.cpu())) {
      assertThat(stored.predict(unseen)).containsExactly(trained);
      assertThat(resumed.tuner().predict(unseen)).containsExactly(trained);
    }
  }

  @Test
  void partialThroughTheMethodTrainsTheLastFeatureStageOnly() throws Exception {
    Path module = mobileNet().resolve("mobilenet_v3_small.pt");
    PipelineSpec spec =
        backboneSpec(
            module, "  strategy: partial\n  unfreezeLastBlocks: 1\n  backboneLrFactor: 0.5\n");
    try (ImageCnnRoundTrainer trainer = ImageCnnRoundTrainer.create(spec, 2, Device.cpu())) {
      List<List<float[]>> before = allBlocks(trainer);
      trainer.train(colours(32, 48, 1), () -> false);
      List<List<float[]>> after = allBlocks(trainer);
      assertThat(before).hasSize(after.size());
      assertThat(same(after.get(after.size() - 1), before.get(before.size() - 1)))
          .as("the last feature stage trains")
          .isFalse();
      for (int block = 0; block < before.size() - 1; block++) {
        assertThat(same(after.get(block), before.get(block))).as("block %d", block).isTrue();
      }
    }
  }

  @Test
  void aSubmoduleOrAMissingMethodIsAClearErrorListingTheModulesMethods(@TempDir Path dir)
      throws Exception {
    Path module = mobileNet().resolve("mobilenet_v3_small.pt");
    Path linked = Files.createSymbolicLink(dir.resolve("net.pt"), module.toAbsolutePath());
    Files.writeString(
        dir.resolve("net.json"), "{\"width\": 48, \"height\": 48, \"output\": \"avgpool\"}");
    PipelineSpec spec = backboneSpec(linked, "  strategy: linear_probe\n");
    assertThatThrownBy(() -> ImageCnnRoundTrainer.create(spec, 2, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no method 'avgpool' (sidecar key 'output')")
        .hasMessageContaining("forward_features")
        .hasMessageContaining("a submodule's output cannot be named");

    Files.writeString(
        dir.resolve("net.json"), "{\"width\": 48, \"height\": 48, \"output\": \"features.12\"}");
    assertThatThrownBy(() -> backboneSpec(linked, ""))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("invalid value 'features.12' for key 'output'")
        .hasMessageContaining("@torch.jit.export");
  }
}
