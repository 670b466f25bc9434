package io.streamtune.spec;

import static io.streamtune.spec.TrainerSpec.AUTO;
import static io.streamtune.spec.TrainerSpec.GBT;
import static io.streamtune.spec.TrainerSpec.GBT_SECTION;
import static io.streamtune.spec.TrainerSpec.MINILM;
import static io.streamtune.spec.TrainerSpec.MINILM_FINETUNE;
import static io.streamtune.spec.TrainerSpec.MLP;
import static io.streamtune.spec.TrainerSpec.MNIST_CNN;
import static io.streamtune.spec.TrainerSpec.SCRATCH;
import static io.streamtune.spec.TrainerSpec.SELECTION;
import static io.streamtune.spec.TrainerSpec.STRATEGY;
import static io.streamtune.spec.TrainerSpec.TFIDF;
import static io.streamtune.spec.TrainerSpec.TRANSFORMER;

import io.streamtune.spec.PipelineSpec.Modality;
import io.streamtune.spec.TrainerSpec.Strategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The rules between the {@code trainer} section's keys: which backbone a modality takes, which
 * strategy a backbone allows, which sub-section goes with which backbone. Every message names the
 * key and the allowed values.
 */
final class TrainerSpecRules {

  private TrainerSpecRules() {}

  static void validate(TrainerSpec spec, String origin, Modality modality) {
    String name = spec.backboneFor(modality);
    if (spec.get(SELECTION) != null && !AUTO.equals(name)) {
      throw new SpecException(
          origin
              + ": key 'trainer.selection' applies to backbone auto only; the backbone is '"
              + name
              + "'");
    }
    if (AUTO.equals(name)) {
      // the candidates set these keys themselves (transformer feeds the fine-tuned candidates)
      for (Setting<?> modelKey : List.of(STRATEGY, GBT_SECTION, TRANSFORMER)) {
        if (spec.get(modelKey) != null && !(modelKey == TRANSFORMER && modality == Modality.TEXT)) {
          throw new SpecException(
              origin
                  + ": key 'trainer."
                  + modelKey.name()
                  + "' does not apply to backbone auto (each candidate sets it);"
                  + " remove it or name a backbone");
        }
      }
      return;
    }
    String imageBackbones =
        "[mnist-cnn, scratch, auto, zoo:resnet18, zoo:resnet50, <path to a TorchScript file,"
            + " an ONNX file or a DJL model directory>]";
    switch (modality) {
      case TABULAR -> {
        if (!MLP.equals(name) && !GBT.equals(name)) {
          throw invalid(origin, "backbone", name, "[mlp, gbt, auto]");
        }
      }
      case IMAGE -> {
        if (ImageBackbones.isZoo(name)) {
          try {
            ImageBackbones.zoo(name);
          } catch (SpecException e) {
            throw new SpecException(origin + ": " + e.getMessage(), e);
          }
        } else if (spec.backboneIsPath(modality)) {
          Path path = Path.of(name);
          if (!Files.isRegularFile(path) && !Files.isDirectory(path)) {
            throw new SpecException(
                origin
                    + ": key 'trainer.backbone' names '"
                    + name
                    + "', which is neither a known backbone nor an existing file or directory;"
                    + " allowed values: "
                    + imageBackbones);
          }
        } else if (!MNIST_CNN.equals(name) && !SCRATCH.equals(name)) {
          throw invalid(origin, "backbone", name, imageBackbones);
        }
      }
      case TEXT -> {
        if (!MINILM.equals(name) && !MINILM_FINETUNE.equals(name) && !TFIDF.equals(name)) {
          throw invalid(origin, "backbone", name, "[minilm, minilm-finetune, tfidf, auto]");
        }
      }
    }
    boolean fineTunedTransformer = modality == Modality.TEXT && MINILM_FINETUNE.equals(name);
    if (spec.get(GBT_SECTION) != null && !(modality == Modality.TABULAR && GBT.equals(name))) {
      throw new SpecException(
          origin
              + ": key 'trainer.gbt' applies to backbone gbt only (tabular); the backbone is '"
              + name
              + "'");
    }
    if (spec.transformer() != null && !fineTunedTransformer) {
      throw new SpecException(
          origin
              + ": key 'trainer.transformer' applies to backbone minilm-finetune only (text);"
              + " the backbone is '"
              + name
              + "'");
    }
    if (fineTunedTransformer && spec.strategy() != null) {
      throw new SpecException(
          origin
              + ": key 'trainer.strategy' does not apply to backbone minilm-finetune; set"
              + " 'trainer.transformer.strategy' to one of "
              + List.of("frozen", "last_k", "full"));
    }
    Strategy effective = spec.strategyFor(modality);
    boolean hasBackbone = modality == Modality.IMAGE || fineTunedTransformer;
    if (!hasBackbone
        && effective != (modality == Modality.TEXT ? Strategy.LINEAR_PROBE : Strategy.FULL)) {
      throw invalid(
          origin,
          "strategy",
          effective.name().toLowerCase(Locale.ROOT),
          modality == Modality.TEXT
              ? "[linear_probe] (the text backbones are frozen)"
              : "[full] (the tabular " + name + " has no pretrained backbone)");
    }
    if (modality == Modality.IMAGE
        && ImageBackbones.isOnnx(name)
        && effective != Strategy.LINEAR_PROBE) {
      throw invalid(
          origin,
          "strategy",
          effective.name().toLowerCase(Locale.ROOT),
          "[linear_probe] (an ONNX backbone runs in ONNX Runtime, which cannot train: it is a"
              + " frozen feature extractor; export TorchScript (.pt) to fine-tune it)");
    }
    if (modality == Modality.IMAGE && SCRATCH.equals(name) && effective != Strategy.FULL) {
      throw invalid(
          origin,
          "strategy",
          effective.name().toLowerCase(Locale.ROOT),
          "[full] (a scratch backbone has random weights: freezing them makes no sense)");
    }
  }

  private static SpecException invalid(String origin, String key, String value, String allowed) {
    return new SpecException(
        origin
            + ": invalid value '"
            + value
            + "' for key 'trainer."
            + key
            + "'; allowed values: "
            + allowed);
  }
}
