package io.streamtune.model;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import io.streamtune.model.image.ImageInput;
import io.streamtune.model.image.UserBackbone;
import java.nio.file.Path;
import java.util.List;

/**
 * A loaded model version ready to predict. Owns its DJL {@link Model}; close it when done.
 *
 * <p>Each call works in its own {@link NDManager} sub-manager, so no native memory outlives it.
 * Calls are serialised on this instance.
 */
public final class StoredModel implements AutoCloseable {

  /** Rows per forward pass: bounds native memory for large inputs. */
  static final int BATCH_ROWS = 1024;

  private final Model model;
  private final ModelMetadata metadata;
  private final Path directory;
  // what an image model reads (shape, normalization); null for the MLP
  private final ImageInput imageInput;
  private boolean closed;

  StoredModel(Model model, ModelMetadata metadata, Path directory) {
    this.model = model;
    this.metadata = metadata;
    this.imageInput =
        UserBackbone.readsImages(metadata.architecture())
            ? ImageInput.parse(metadata.architecture())
            : null;
    this.directory = directory;
  }

  public ModelMetadata metadata() {
    return metadata;
  }

  /** The version directory this model was loaded from. */
  public Path directory() {
    return directory;
  }

  /**
   * The underlying DJL model (owned by this object), e.g. for the trainer to continue training a
   * stored version.
   */
  public Model model() {
    return model;
  }

  /** The index of the most probable class for each row. */
  public int[] predict(float[][] features) {
    return io.streamtune.model.scoring.ScoringModel.argMax(predictProbabilities(features));
  }

  /** Softmax class probabilities, one row per input row, columns in {@code metadata().labels()}. */
  public float[][] predictProbabilities(float[][] features) {
    return forwardRows(features, false);
  }

  /**
   * The output of the layer before the class logits, one row per input row: what the last layer
   * separates the classes by (the image CNN's dense layer after its ReLU, the MLP's last hidden
   * layer; for an MLP without hidden layers the input itself).
   */
  public float[][] penultimate(float[][] features) {
    return forwardRows(features, true);
  }

  private synchronized float[][] forwardRows(float[][] features, boolean penultimate) {
    if (closed) {
      throw new IllegalStateException("model " + directory + " is closed");
    }
    int width = metadata.featureCount();
    for (int row = 0; row < features.length; row++) {
      if (features[row] == null || features[row].length != width) {
        throw new IllegalArgumentException(
            "row "
                + row
                + " has "
                + (features[row] == null ? "no" : String.valueOf(features[row].length))
                + " features; model "
                + metadata.modelId()
                + " v"
                + metadata.version()
                + " expects "
                + width);
      }
    }
    float[][] result = new float[features.length][];
    for (int start = 0; start < features.length; start += BATCH_ROWS) {
      int rows = Math.min(BATCH_ROWS, features.length - start);
      float[] flat = new float[rows * width];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(features[start + r], 0, flat, r * width, width);
      }
      float[] values;
      try (NDManager batch = model.getNDManager().newSubManager()) {
        NDArray input =
            imageInput != null
                ? imageInput.tensor(batch, flat, rows)
                : batch.create(flat, new Shape(rows, width));
        ParameterStore parameters = new ParameterStore(batch, false);
        NDArray output =
            penultimate
                ? beforeLastLayer(parameters, input).reshape(rows, -1)
                : model.getBlock().forward(parameters, new NDList(input), false).singletonOrThrow();
        values = (penultimate ? output : output.softmax(1)).toFloatArray();
      }
      int columns = values.length / rows;
      for (int r = 0; r < rows; r++) {
        float[] row = new float[columns];
        System.arraycopy(values, r * columns, row, 0, columns);
        result[start + r] = row;
      }
    }
    return result;
  }

  /** Every layer of the sequential classifier but its last (the class logits). */
  private NDArray beforeLastLayer(ParameterStore parameters, NDArray input) {
    if (!(model.getBlock() instanceof SequentialBlock sequential)) {
      throw new IllegalStateException(
          metadata.architecture() + " is not a sequential classifier: no penultimate layer");
    }
    List<Block> layers = sequential.getChildren().values();
    NDList x = new NDList(input);
    for (int layer = 0; layer < layers.size() - 1; layer++) {
      x = layers.get(layer).forward(parameters, x, false);
    }
    return x.singletonOrThrow();
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      model.close();
    }
  }
}
