package io.streamtune.trainer;

import ai.djl.Device;
import ai.djl.Model;
import io.streamtune.model.ModelStore;
import io.streamtune.model.image.ImageClassifierFineTuner;
import io.streamtune.model.image.SmallCnn;
import io.streamtune.model.image.UserBackbone;
import io.streamtune.model.training.RoundLoop;
import io.streamtune.model.training.RoundPlan;
import io.streamtune.model.training.TrainSettings;
import io.streamtune.model.training.WarmRoundPolicy;
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
 * or {@code scratch}) or over a user's TorchScript backbone, with the spec's strategy, warm-started
 * round after round (a warm round in proportion to what is new, {@link WarmRoundPolicy}); on
 * restart from the last stored version.
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
  private final WarmRoundPolicy policy;
  // true once the head is trained: after a round, or from the start when resuming a version
  private boolean warm;
  private Map<String, Object> lastRound = Map.of();

  private ImageCnnRoundTrainer(
      ImageClassifierFineTuner tuner, String architecture, TrainerSpec spec, boolean warm) {
    this.tuner = tuner;
    this.architecture = architecture;
    this.policy = WarmRoundPolicy.from(spec);
    this.warm = warm;
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
          ImageClassifierFineTuner.create(numClasses, settings, null, device),
          architecture(spec),
          spec,
          false);
    }
    if (TrainerSpec.MNIST_CNN.equals(backbone)) {
      try (InputStream in = ImageCnnRoundTrainer.class.getResourceAsStream(MNIST_BACKBONE)) {
        if (in == null) {
          throw new IllegalStateException("the backbone " + MNIST_BACKBONE + " is not packaged");
        }
        return new ImageCnnRoundTrainer(
            ImageClassifierFineTuner.create(numClasses, settings, in, device),
            architecture(spec),
            spec,
            false);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + MNIST_BACKBONE, e);
      }
    }
    return new ImageCnnRoundTrainer(
        UserBackbones.fineTuner(Path.of(backbone), numClasses, settings, device),
        architecture(spec),
        spec,
        false);
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
    return new ImageCnnRoundTrainer(tuner, architecture(spec), spec, true);
  }

  /** A round in which every image counts as new. */
  @Override
  public Result train(ExampleBuffer.Snapshot data, BooleanSupplier cancelled) {
    return train(data, data.size(), cancelled);
  }

  @Override
  public Result train(ExampleBuffer.Snapshot data, long newExamples, BooleanSupplier cancelled) {
    if (data.size() == 0) {
      throw new IllegalArgumentException("cannot train on an empty buffer");
    }
    RoundPlan plan = policy.plan(warm, newExamples, data.size());
    RoundLoop.Result result = tuner.train(data.images(), data.labels(), plan, cancelled);
    warm = true;
    lastRound = WarmRoundDetails.of(result, newExamples);
    return Result.of(result, deviceName());
  }

  /** The last round's plan (warm or not, new share, step budget, rate, EMA). */
  @Override
  public Map<String, Object> trainingDetails() {
    return lastRound;
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
