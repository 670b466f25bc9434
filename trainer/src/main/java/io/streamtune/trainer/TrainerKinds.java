package io.streamtune.trainer;

import io.streamtune.spec.ImageBackbones;
import io.streamtune.spec.PipelineSpec.Modality;
import io.streamtune.spec.TrainerSpec;
import java.nio.file.Path;
import java.util.Map;

/**
 * The trainer of each backbone, one entry per backbone: adding a backbone is an entry here and its
 * {@link ModelTrainer} class, with a {@code KIND} that says how to create, resume and name it.
 * {@code trainer.backbone} is checked against the allowed names when the spec is read, so a lookup
 * here fails only for a backbone the spec accepts and no trainer implements.
 */
public final class TrainerKinds {

  private static final Map<String, ModelTrainerFactory> BY_BACKBONE =
      Map.of(
          TrainerSpec.MLP, TabularMlpRoundTrainer.KIND,
          TrainerSpec.GBT, TabularGbtRoundTrainer.KIND,
          TrainerSpec.MNIST_CNN, ImageCnnRoundTrainer.KIND,
          TrainerSpec.SCRATCH, ImageCnnRoundTrainer.KIND,
          TrainerSpec.MINILM, TextLinearHeadRoundTrainer.KIND,
          TrainerSpec.TFIDF, TextLinearHeadRoundTrainer.KIND,
          TrainerSpec.MINILM_FINETUNE, TextTransformerRoundTrainer.KIND);

  /** A user's TorchScript file or DJL model directory, or a zoo backbone (image only). */
  private static final ModelTrainerFactory USER_BACKBONE = ImageCnnRoundTrainer.KIND;

  private static final ModelTrainerFactory REGISTRY =
      new ModelTrainerFactory() {
        @Override
        public String architecture(Setup setup) {
          return of(setup).architecture(setup);
        }

        @Override
        public String architecture(Setup setup, Path storedVersion) {
          return of(setup).architecture(setup, storedVersion);
        }

        @Override
        public ModelTrainer create(Setup setup) {
          return of(setup).create(setup);
        }

        @Override
        public ModelTrainer resume(Setup setup, Path versionDir) {
          return of(setup).resume(setup, versionDir);
        }
      };

  private TrainerKinds() {}

  /** The factory that picks each spec's entry by its backbone. */
  public static ModelTrainerFactory registry() {
    return REGISTRY;
  }

  /** The entry of the spec's backbone. */
  static ModelTrainerFactory of(ModelTrainerFactory.Setup setup) {
    TrainerSpec trainer = setup.trainer();
    Modality modality = setup.spec().modality();
    if (modality == Modality.IMAGE
        && (trainer.backboneIsPath(modality)
            || ImageBackbones.isZoo(trainer.backboneFor(modality)))) {
      return USER_BACKBONE;
    }
    String backbone = trainer.backboneFor(modality);
    if (TrainerSpec.AUTO.equals(backbone)) {
      return AutoSelectingTrainer.KIND;
    }
    ModelTrainerFactory kind = BY_BACKBONE.get(backbone);
    if (kind == null) {
      throw new IllegalArgumentException(
          "no trainer for backbone '"
              + backbone
              + "' ("
              + modality
              + "); known: "
              + BY_BACKBONE.keySet().stream().sorted().toList());
    }
    return kind;
  }
}
