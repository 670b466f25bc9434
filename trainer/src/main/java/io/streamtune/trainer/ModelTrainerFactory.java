package io.streamtune.trainer;

import ai.djl.Device;
import io.streamtune.model.ModelStore;
import io.streamtune.model.text.EmbeddingCache;
import io.streamtune.model.text.MiniLmEncoder;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.TrainerSpec;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Makes the {@link ModelTrainer} of a spec: a new one, or one that continues a stored version. The
 * service gets it injected ({@link TrainerKinds#registry()} by default), so starts and restarts can
 * be tested with a fake trainer and no engine.
 */
public interface ModelTrainerFactory {

  /**
   * What a trainer is made from.
   *
   * @param featureCount tabular features per example (0 for images and texts)
   * @param threads PyTorch intra-op threads in effect (the MiniLM encoder takes as many)
   * @param sharedEmbeddings a MiniLM encoder and embedding cache the caller owns and shares between
   *     trainers (model selection), or null: a MiniLM trainer makes its own
   */
  record Setup(
      String modelId,
      PipelineSpec spec,
      ModelStore store,
      int featureCount,
      Device device,
      int threads,
      SharedEmbeddings sharedEmbeddings) {

    /** Without shared embeddings: the service's trainers. */
    public Setup(
        String modelId,
        PipelineSpec spec,
        ModelStore store,
        int featureCount,
        Device device,
        int threads) {
      this(modelId, spec, store, featureCount, device, threads, null);
    }

    public int numClasses() {
      return spec.label().classes().size();
    }

    public TrainerSpec trainer() {
      return spec.trainer();
    }
  }

  /**
   * A MiniLM encoder and an embedding cache by example id, shared by trainers that see the same
   * examples under the same ids: each text goes through the encoder once. The owner closes it.
   */
  record SharedEmbeddings(MiniLmEncoder encoder, EmbeddingCache cache) {}

  /** The architecture the spec asks for; a stored version resumes only when it matches. */
  String architecture(Setup setup);

  /**
   * The architecture to compare with the stored version in {@code storedVersion}: the spec's
   * ({@link #architecture(Setup)}) unless the spec leaves it to what the version stored ({@code
   * trainer.backbone: auto} resumes its stored winner).
   */
  default String architecture(Setup setup, Path storedVersion) {
    return architecture(setup);
  }

  /** A new model for the spec (the first version, or after a spec change). */
  ModelTrainer create(Setup setup);

  /** Continues the stored version in {@code versionDir}; its architecture matched. */
  ModelTrainer resume(Setup setup, Path versionDir);

  /** A factory of three functions: how a backbone's trainer {@code KIND} is written. */
  static ModelTrainerFactory of(
      Function<Setup, String> architecture,
      Function<Setup, ModelTrainer> create,
      BiFunction<Setup, Path, ModelTrainer> resume) {
    return new ModelTrainerFactory() {
      @Override
      public String architecture(Setup setup) {
        return architecture.apply(setup);
      }

      @Override
      public ModelTrainer create(Setup setup) {
        return create.apply(setup);
      }

      @Override
      public ModelTrainer resume(Setup setup, Path versionDir) {
        return resume.apply(setup, versionDir);
      }
    };
  }
}
