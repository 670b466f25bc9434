package io.streamtune.trainer;

import ai.djl.Device;
import ai.djl.Model;
import io.streamtune.model.ModelStore;
import io.streamtune.model.image.ImageClassifierFineTuner;
import io.streamtune.model.image.ImageInput;
import io.streamtune.model.image.SmallCnn;
import io.streamtune.model.image.UserBackbone;
import io.streamtune.model.training.RoundLoop;
import io.streamtune.model.training.TrainSettings;
import io.streamtune.model.training.WarmRoundPolicy;
import io.streamtune.spec.ImageBackbones;
import io.streamtune.spec.ImageSpec;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpec.Modality;
import io.streamtune.spec.TrainerSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The image modality: a SmallCnn classifier fine-tuned from the spec's backbone ({@code mnist-cnn}
 * or {@code scratch}) or a dense head over a TorchScript backbone (a user's file, or a DJL zoo
 * model) or a frozen ONNX one (run by ONNX Runtime), reading the spec's image input (any size, 1 or
 * 3 channels, normalized per channel), with the spec's strategy, warm-started round after round (a
 * warm round in proportion to what is new, {@link WarmRoundPolicy}); on restart from the last
 * stored version.
 */
final class ImageCnnRoundTrainer implements WarmStartingTrainer {

  /**
   * Backbones {@code mnist-cnn}, {@code scratch}, a zoo backbone and a user's TorchScript file or
   * directory.
   */
  static final ModelTrainerFactory KIND =
      ModelTrainerFactory.of(
          setup -> architecture(setup.spec()),
          setup -> create(setup.spec(), setup.numClasses(), setup.device()),
          (setup, dir) -> resume(dir, setup.spec(), setup.numClasses(), setup.device()));

  /** The shipped MNIST-pretrained backbone (made by {@code streamtune pretrain}). */
  static final String MNIST_BACKBONE = "/backbones/mnist-cnn.params";

  private final ImageClassifierFineTuner tuner;
  private final String architecture;
  private final WarmRounds rounds;

  private ImageCnnRoundTrainer(
      ImageClassifierFineTuner tuner, String architecture, TrainerSpec spec, boolean warm) {
    this.tuner = tuner;
    this.architecture = architecture;
    this.rounds = new WarmRounds(spec, warm);
  }

  /** The input a spec's image model reads (28x28 grey for a spec without an image section). */
  static ImageInput input(PipelineSpec spec) {
    return spec.image() == null ? ImageInput.GREY_28 : ImageInput.of(spec.image());
  }

  /** The architecture string of a spec's image model (what a restart must match). */
  static String architecture(PipelineSpec spec) {
    TrainerSpec trainer = spec.trainer();
    String backbone = trainer.backboneFor(Modality.IMAGE);
    if (ImageBackbones.isOnnx(backbone)) {
      return UserBackbone.onnxArchitecture(
          backbone, UserBackbones.onnxOutput(backbone), input(spec));
    }
    return overTorchScript(trainer)
        ? UserBackbone.architecture(
            backbone, UserBackbones.torchScriptMethod(backbone), input(spec))
        : SmallCnn.architecture(backbone, input(spec));
  }

  /** Whether the backbone is a user's module (TorchScript or ONNX) or a zoo model. */
  private static boolean overTorchScript(TrainerSpec trainer) {
    return trainer.backboneIsPath(Modality.IMAGE)
        || ImageBackbones.isZoo(trainer.backboneFor(Modality.IMAGE));
  }

  /** A 28x28 grey model (the spec of tests that give only a trainer section). */
  static ImageCnnRoundTrainer create(TrainerSpec trainer, int numClasses, Device device) {
    return create(grey(trainer), numClasses, device);
  }

  static ImageCnnRoundTrainer create(PipelineSpec spec, int numClasses, Device device) {
    TrainerSpec trainer = spec.trainer();
    TrainSettings settings = TrainSettings.from(trainer, Modality.IMAGE);
    String backbone = trainer.backboneFor(Modality.IMAGE);
    ImageInput input = input(spec);
    String architecture = architecture(spec);
    if (TrainerSpec.SCRATCH.equals(backbone)) {
      return new ImageCnnRoundTrainer(
          ImageClassifierFineTuner.create(numClasses, settings, null, device, input),
          architecture,
          trainer,
          false);
    }
    if (TrainerSpec.MNIST_CNN.equals(backbone)) {
      try (InputStream in = ImageCnnRoundTrainer.class.getResourceAsStream(MNIST_BACKBONE)) {
        if (in == null) {
          throw new IllegalStateException("the backbone " + MNIST_BACKBONE + " is not packaged");
        }
        return new ImageCnnRoundTrainer(
            ImageClassifierFineTuner.create(numClasses, settings, in, device, input),
            architecture,
            trainer,
            false);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + MNIST_BACKBONE, e);
      }
    }
    return new ImageCnnRoundTrainer(
        UserBackbones.fineTuner(backbone, numClasses, settings, device, input),
        architecture,
        trainer,
        false);
  }

  static ImageCnnRoundTrainer resume(
      Path versionDir, TrainerSpec trainer, int numClasses, Device device) {
    return resume(versionDir, grey(trainer), numClasses, device);
  }

  static ImageCnnRoundTrainer resume(
      Path versionDir, PipelineSpec spec, int numClasses, Device device) {
    TrainerSpec trainer = spec.trainer();
    TrainSettings settings = TrainSettings.from(trainer, Modality.IMAGE);
    ImageInput input = input(spec);
    // a version over a TorchScript backbone carries the trained module itself
    ImageClassifierFineTuner tuner =
        overTorchScript(trainer)
            ? ImageClassifierFineTuner.resumeOverBackbone(
                versionDir,
                ModelStore.PARAMS_PREFIX,
                numClasses,
                settings,
                device,
                input,
                architecture(spec))
            : ImageClassifierFineTuner.resume(
                versionDir, ModelStore.PARAMS_PREFIX, numClasses, settings, device, input);
    return new ImageCnnRoundTrainer(tuner, architecture(spec), trainer, true);
  }

  private static PipelineSpec grey(TrainerSpec trainer) {
    return new PipelineSpec(
        "image",
        Modality.IMAGE,
        null,
        null,
        null,
        null,
        trainer,
        null,
        null,
        new ImageSpec(28, 28, 1),
        null,
        null);
  }

  @Override
  public Result train(ExampleBuffer.Snapshot data, long newExamples, BooleanSupplier cancelled) {
    RoundLoop.Result result =
        rounds.run(
            data, newExamples, plan -> tuner.train(data.images(), data.labels(), plan, cancelled));
    return Result.of(result, deviceName());
  }

  /** The last round's plan (warm or not, new share, step budget, rate, EMA). */
  @Override
  public Map<String, Object> trainingDetails() {
    return rounds.lastRound();
  }

  ImageClassifierFineTuner tuner() {
    return tuner;
  }

  @Override
  public String architecture() {
    return architecture;
  }

  @Override
  public int inputWidth() {
    return tuner.input().pixels();
  }

  @Override
  public int metadataFeatureCount() {
    return tuner.input().pixels();
  }

  @Override
  public String deviceName() {
    return tuner.device().toString();
  }

  @Override
  public Model model() {
    return tuner.model();
  }

  @Override
  public void close() {
    tuner.close();
  }
}
