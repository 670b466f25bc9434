package io.streamtune.model;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.streamtune.model.image.ImageInput;
import io.streamtune.model.image.UserBackbone;
import java.nio.file.Path;

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
  public synchronized float[][] predictProbabilities(float[][] features) {
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
    int numClasses = metadata.numClasses();
    float[][] result = new float[features.length][];
    for (int start = 0; start < features.length; start += BATCH_ROWS) {
      int rows = Math.min(BATCH_ROWS, features.length - start);
      float[] flat = new float[rows * width];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(features[start + r], 0, flat, r * width, width);
      }
      float[] probabilities;
      try (NDManager batch = model.getNDManager().newSubManager()) {
        NDArray input =
            imageInput != null
                ? imageInput.tensor(batch, flat, rows)
                : batch.create(flat, new Shape(rows, width));
        NDList output =
            model.getBlock().forward(new ParameterStore(batch, false), new NDList(input), false);
        probabilities = output.singletonOrThrow().softmax(1).toFloatArray();
      }
      for (int r = 0; r < rows; r++) {
        float[] row = new float[numClasses];
        System.arraycopy(probabilities, r * numClasses, row, 0, numClasses);
        result[start + r] = row;
      }
    }
    return result;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      model.close();
    }
  }
}
