package io.streamtune.trainer;

import ai.djl.Device;
import ai.djl.Model;
import io.streamtune.model.ModelStore;
import io.streamtune.model.image.ImageClassifierFineTuner;
import io.streamtune.model.image.SmallCnn;
import io.streamtune.model.image.UserBackbone;
import io.streamtune.model.training.TrainSettings;
import io.streamtune.spec.PipelineSpec.Modality;
import io.streamtune.spec.TrainerSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * The image modality: a SmallCnn classifier fine-tuned from the spec's backbone ({@code mnist-cnn}
 * or {@code scratch}) or over a user's TorchScript backbone, with the spec's strategy, warm-started
 * round after round; on restart from the last stored version.
 */
final class ImageCnnRoundTrainer implements ModelTrainer {

  /** Backbones {@code mnist-cnn}, {@code scratch} and a user's TorchScript file or directory. */
  static final ModelTrainerFactory KIND =
      ModelTrainerFactory.of(
          setup -> architecture(setup.trainer()),
          setup -> create(setup.trainer(), setup.numClasses(), setup.device()),
          (setup, dir) -> resume(dir, setup.trainer(), setup.numClasses(), setup.device()));

  /** The shipped MNIST-pretrained backbone (made by {@code streamtune pretrain}). */
  static final String MNIST_BACKBONE = "/backbones/mnist-cnn.params";

  private final ImageClassifierFineTuner tuner;
  private final String architecture;

  private ImageCnnRoundTrainer(ImageClassifierFineTuner tuner, String architecture) {
    this.tuner = tuner;
    this.architecture = architecture;
  }

  /** The architecture string of a spec's image model (what a restart must match). */
  static String architecture(TrainerSpec spec) {
    String backbone = spec.backboneFor(Modality.IMAGE);
    return spec.backboneIsPath(Modality.IMAGE)
        ? UserBackbone.architecture(backbone)
        : SmallCnn.ARCHITECTURE + " from " + backbone;
  }

  static ImageCnnRoundTrainer create(TrainerSpec spec, int numClasses, Device device) {
    TrainSettings settings = TrainSettings.from(spec, Modality.IMAGE);
    String backbone = spec.backboneFor(Modality.IMAGE);
    if (TrainerSpec.SCRATCH.equals(backbone)) {
      return new ImageCnnRoundTrainer(
          ImageClassifierFineTuner.create(numClasses, settings, null, device), architecture(spec));
    }
    if (TrainerSpec.MNIST_CNN.equals(backbone)) {
      try (InputStream in = ImageCnnRoundTrainer.class.getResourceAsStream(MNIST_BACKBONE)) {
        if (in == null) {
          throw new IllegalStateException("the backbone " + MNIST_BACKBONE + " is not packaged");
        }
        return new ImageCnnRoundTrainer(
            ImageClassifierFineTuner.create(numClasses, settings, in, device), architecture(spec));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + MNIST_BACKBONE, e);
      }
    }
    return new ImageCnnRoundTrainer(
        UserBackbones.fineTuner(Path.of(backbone), numClasses, settings, device),
        architecture(spec));
  }

  static ImageCnnRoundTrainer resume(
      Path versionDir, TrainerSpec spec, int numClasses, Device device) {
    TrainSettings settings = TrainSettings.from(spec, Modality.IMAGE);
    // a version over a user backbone carries the trained TorchScript module itself
    ImageClassifierFineTuner tuner =
        spec.backboneIsPath(Modality.IMAGE)
            ? ImageClassifierFineTuner.resumeOverBackbone(
                versionDir, ModelStore.PARAMS_PREFIX, numClasses, settings, device)
            : ImageClassifierFineTuner.resume(
                versionDir, ModelStore.PARAMS_PREFIX, numClasses, settings, device);
    return new ImageCnnRoundTrainer(tuner, architecture(spec));
  }

  @Override
  public Result train(ExampleBuffer.Snapshot data, BooleanSupplier cancelled) {
    return Result.of(tuner.train(data.images(), data.labels(), cancelled), deviceName());
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
    return ImageClassifierFineTuner.PIXELS;
  }

  @Override
  public int metadataFeatureCount() {
    return ImageClassifierFineTuner.PIXELS;
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
