package io.streamtune.model.image;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import io.streamtune.model.training.RoundLoop;
import io.streamtune.model.training.RoundPlan;
import io.streamtune.model.training.ScheduledLearningRate;
import io.streamtune.model.training.TrainSettings;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The streaming trainer's image model: fine-tunes a {@link SmallCnn}-shaped image classifier round
 * after round (offline pretraining is {@link SmallCnnPretraining}): a backbone (pretrained, random,
 * or stored by an earlier round) under a dense head, with the strategy of the spec.
 *
 * <p>The backbone's blocks are its children that hold parameters (for SmallCnn the two
 * convolutions; for a TorchScript module its top-level submodules, {@link BackboneBlocks}). {@code
 * linear_probe} freezes them all, {@code partial} trains the last k, {@code full} trains all;
 * gradual unfreezing adds one block from the top every n epochs of a round. The backbone's learning
 * rate is the head's times {@code backboneLrFactor} (a per-parameter rate, which DJL's optimizers
 * take as a {@link ai.djl.training.tracker.ParameterTracker}). Frozen parameters get no gradient
 * and no update, so they stay bit-identical.
 *
 * <p>The model, the trainer and the optimizer state live from round to round, so each round
 * warm-starts from the previous one.
 */
public final class ImageClassifierFineTuner implements AutoCloseable {

  /** Pixels per grey 28 x 28 image ({@link ImageInput#GREY_28}). */
  public static final int PIXELS = SmallCnn.SIDE * SmallCnn.SIDE;

  private final Model model;
  private final Block backbone;
  // the blocks the strategy counts, bottom first, each as its parameters
  private final List<List<Parameter>> backboneBlocks;
  private final List<Parameter> parameters;
  private final Trainer trainer;
  private final TrainSettings settings;
  private final ScheduledLearningRate rate;
  private final int numClasses;
  private final Device device;
  private final ImageInput input;
  private int rounds;

  private ImageClassifierFineTuner(
      Model model,
      Block backbone,
      int numClasses,
      TrainSettings settings,
      Device device,
      ImageInput input) {
    this.model = model;
    this.input = input;
    this.backbone = backbone;
    this.numClasses = numClasses;
    this.settings = settings;
    this.device = device;
    this.backboneBlocks = BackboneBlocks.of(backbone);
    this.parameters = new ArrayList<>(model.getBlock().getParameters().values());
    this.rate =
        new ScheduledLearningRate(
            settings.learningRate(), settings.schedule(), settings.warmupFraction());
    for (Pair<String, Parameter> parameter : backbone.getParameters()) {
      rate.setFactor(parameter.getValue().getId(), (float) settings.backboneLrFactor());
    }
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
            .optDevices(new Device[] {device})
            .optOptimizer(RoundLoop.optimizer(settings, rate));
    // Parameters are initialised and loaded before the trainer exists: a trainer caches the arrays
    // it sees, and loading afterwards would leave it computing with the replaced (closed) ones.
    this.trainer = model.newTrainer(config);
    trainer.initialize(input.shape(1));
    applyFreezing(0);
  }

  /**
   * A classifier over a SmallCnn backbone: from saved backbone parameters (the shipped MNIST
   * backbone), or random when {@code pretrainedBackbone} is null.
   */
  public static ImageClassifierFineTuner create(
      int numClasses, TrainSettings settings, InputStream pretrainedBackbone, Device device) {
    return create(numClasses, settings, pretrainedBackbone, device, ImageInput.GREY_28);
  }

  /**
   * A SmallCnn classifier reading {@code input}. Grey pretrained weights under an RGB input have
   * their first convolution spread over the three channels ({@link GreyWeights#inflate}).
   */
  public static ImageClassifierFineTuner create(
      int numClasses,
      TrainSettings settings,
      InputStream pretrainedBackbone,
      Device device,
      ImageInput input) {
    Engine.getInstance().setRandomSeed((int) settings.seed());
    SequentialBlock backbone = SmallCnn.backbone();
    Model model = Model.newInstance("small-cnn", device);
    try {
      model.setBlock(SmallCnn.classifier(backbone, numClasses));
      model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, input.shape(1));
      if (pretrainedBackbone != null) {
        DataInputStream in = new DataInputStream(new BufferedInputStream(pretrainedBackbone));
        if (input.channels() == 1) {
          backbone.loadParameters(model.getNDManager(), in);
        } else {
          GreyWeights.inflate(backbone, model.getNDManager(), in, input.channels());
        }
      }
      return new ImageClassifierFineTuner(model, backbone, numClasses, settings, device, input);
    } catch (IOException | MalformedModelException e) {
      model.close();
      throw new IllegalArgumentException(
          "cannot load the pretrained backbone: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Continues from a version stored by {@link Model#save} (a restarted trainer). */
  public static ImageClassifierFineTuner resume(
      Path versionDir,
      String paramsPrefix,
      int numClasses,
      TrainSettings settings,
      Device device,
      ImageInput input) {
    SequentialBlock backbone = SmallCnn.backbone();
    Model model = Model.newInstance("small-cnn", device);
    try {
      model.setBlock(SmallCnn.classifier(backbone, numClasses));
      model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, input.shape(1));
      model.load(versionDir, paramsPrefix);
      return new ImageClassifierFineTuner(model, backbone, numClasses, settings, device, input);
    } catch (IOException | MalformedModelException e) {
      model.close();
      throw new IllegalArgumentException(
          "cannot load the image model from " + versionDir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Continues from a version over a user backbone stored by {@link Model#save}: the stored
   * parameter file carries the TorchScript module with its trained weights (or the ONNX graph);
   * {@code architecture} says which.
   */
  public static ImageClassifierFineTuner resumeOverBackbone(
      Path versionDir,
      String paramsPrefix,
      int numClasses,
      TrainSettings settings,
      Device device,
      ImageInput input,
      String architecture) {
    Model model = Model.newInstance("user-backbone", device, "PyTorch");
    try {
      SequentialBlock classifier = UserBackbone.forLoading(model, numClasses, architecture);
      model.setBlock(classifier);
      model.load(versionDir, paramsPrefix);
      Block backbone = classifier.getChildren().get(0).getValue();
      return new ImageClassifierFineTuner(model, backbone, numClasses, settings, device, input);
    } catch (IOException | MalformedModelException e) {
      model.close();
      throw new IllegalArgumentException(
          "cannot load the image model over a user backbone from "
              + versionDir
              + ": "
              + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * A classifier over a user-supplied backbone block (e.g. a TorchScript module) that maps an
   * {@code input}-shaped batch to features of any shape; {@code model} holds the backbone's arrays
   * and becomes owned by the fine-tuner. The backbone counts as one block for {@code partial}.
   */
  public static ImageClassifierFineTuner overBackbone(
      Model model,
      Block userBackbone,
      int numClasses,
      TrainSettings settings,
      Device device,
      ImageInput input) {
    return overBackbone(model, userBackbone, null, numClasses, settings, device, input);
  }

  /**
   * The same reading the features from the TorchScript module's exported method {@code method}
   * (null: its forward; see {@link UserBackbone#wrap(Block, String)}).
   */
  public static ImageClassifierFineTuner overBackbone(
      Model model,
      Block userBackbone,
      String method,
      int numClasses,
      TrainSettings settings,
      Device device,
      ImageInput input) {
    try {
      if (method != null) {
        UserBackbone.requireMethod(userBackbone, method);
      }
      Engine.getInstance().setRandomSeed((int) settings.seed());
      // the dense head takes flat features, whatever shape the user's block returns
      SequentialBlock backbone = UserBackbone.wrap(userBackbone, method);
      SequentialBlock classifier = SmallCnn.classifier(backbone, numClasses);
      model.setBlock(classifier);
      Shape features;
      try (NDManager probe = model.getNDManager().newSubManager()) {
        NDArray out =
            backbone
                .forward(
                    new ParameterStore(probe, false),
                    new NDList(probe.zeros(input.shape(1))),
                    false)
                .singletonOrThrow();
        features = out.getShape();
      }
      // only the new head is initialised: the user's backbone comes with its weights
      for (int i = 1; i < classifier.getChildren().size(); i++) {
        Block head = classifier.getChildren().get(i).getValue();
        head.initialize(model.getNDManager(), DataType.FLOAT32, features);
        features = head.getOutputShapes(new Shape[] {features})[0];
      }
      return new ImageClassifierFineTuner(model, backbone, numClasses, settings, device, input);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Freezes the backbone but the top {@code settings.unfrozenBlocks(epoch)} blocks. */
  private void applyFreezing(int epoch) {
    int unfrozen = settings.unfrozenBlocks(epoch, backboneBlocks.size());
    for (int i = 0; i < backboneBlocks.size(); i++) {
      boolean trains = i >= backboneBlocks.size() - unfrozen;
      for (Parameter parameter : backboneBlocks.get(i)) {
        parameter.freeze(!trains);
      }
    }
  }

  /**
   * Trains one round on images of the input's shape.
   *
   * @param images row-major unsigned bytes, channels interleaved, {@link ImageInput#pixels} each
   */
  public RoundLoop.Result train(byte[][] images, int[] labels, BooleanSupplier cancelled) {
    return train(inputs(images, labels), RoundPlan.full(1.0), cancelled);
  }

  /** Trains one round on byte images as {@code plan} says (a warm round's budget). */
  public RoundLoop.Result train(
      byte[][] images, int[] labels, RoundPlan plan, BooleanSupplier cancelled) {
    return train(inputs(images, labels), plan, cancelled);
  }

  /** Trains one round on images already scaled to [0, 1]. */
  public RoundLoop.Result train(LabeledImages data, BooleanSupplier cancelled) {
    return train(
        RoundLoop.Inputs.ofRows(data.pixels(), data.labels(), input::tensor),
        RoundPlan.full(1.0),
        cancelled);
  }

  private RoundLoop.Result train(
      RoundLoop.Inputs inputs, RoundPlan plan, BooleanSupplier cancelled) {
    try {
      return RoundLoop.run(
          trainer,
          parameters,
          inputs,
          numClasses,
          settings,
          rate,
          rounds,
          plan,
          this::applyFreezing,
          cancelled);
    } finally {
      rounds++;
      applyFreezing(0);
    }
  }

  /** Byte images as the loop's inputs, scaled to [0, 1] and normalized batch by batch. */
  public RoundLoop.Inputs inputs(byte[][] images, int[] labels) {
    int size = input.pixels();
    return RoundLoop.Inputs.of(
        labels,
        (manager, rows) -> {
          float[] pixels = new float[rows.length * size];
          for (int r = 0; r < rows.length; r++) {
            byte[] image = images[rows[r]];
            for (int p = 0; p < size; p++) {
              pixels[r * size + p] = (image[p] & 0xff) / 255f;
            }
          }
          return input.tensor(manager, pixels, rows.length);
        });
  }

  /** Share of images whose arg-max prediction equals the label. */
  public double accuracy(LabeledImages data) {
    int[] predicted = predict(data.pixels());
    int correct = 0;
    for (int i = 0; i < predicted.length; i++) {
      correct += predicted[i] == data.labels()[i] ? 1 : 0;
    }
    return correct / (double) data.size();
  }

  /** The arg-max class of each image (pixels in [0, 1]), as the model in training predicts it. */
  public int[] predict(float[][] images) {
    int[] predicted = new int[images.length];
    int batch = 512;
    for (int start = 0; start < images.length; start += batch) {
      int rows = Math.min(batch, images.length - start);
      int size = input.pixels();
      float[] pixels = new float[rows * size];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(images[start + r], 0, pixels, r * size, size);
      }
      try (NDManager manager = model.getNDManager().newSubManager()) {
        NDArray x = input.tensor(manager, pixels, rows);
        long[] classes = trainer.evaluate(new NDList(x)).singletonOrThrow().argMax(1).toLongArray();
        for (int r = 0; r < rows; r++) {
          predicted[start + r] = (int) classes[r];
        }
      }
    }
    return predicted;
  }

  public Model model() {
    return model;
  }

  public Device device() {
    return device;
  }

  public ImageInput input() {
    return input;
  }

  /** Number of backbone blocks the strategy counts. */
  public int backboneBlockCount() {
    return backboneBlocks.size();
  }

  /** The parameter values of backbone block i (0 = bottom), flattened, in order. */
  public List<float[]> blockValues(int block) {
    List<float[]> values = new ArrayList<>();
    backboneBlocks.get(block).forEach(p -> values.add(p.getArray().toFloatArray()));
    return values;
  }

  /** The head's parameter values (everything after the backbone), flattened, in order. */
  public List<float[]> headValues() {
    List<float[]> values = new ArrayList<>();
    List<Pair<String, Block>> children = model.getBlock().getChildren().stream().toList();
    for (int i = 1; i < children.size(); i++) {
      children
          .get(i)
          .getValue()
          .getParameters()
          .values()
          .forEach(p -> values.add(p.getArray().toFloatArray()));
    }
    return values;
  }

  /** The backbone block. */
  public Block backbone() {
    return backbone;
  }

  @Override
  public void close() {
    trainer.close();
    model.close();
  }
}
