package io.streamtune.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.streamtune.model.image.SmallCnn;
import io.streamtune.model.image.UserBackbone;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of immutable model versions: {@code <root>/<modelId>/v<version>/} holds the DJL
 * parameter file ({@code mlp-0000.params}), {@code metadata.json} and the {@code spec.yaml} the
 * version was trained with.
 *
 * <p>A version directory appears complete or not at all: it is written under a hidden temporary
 * name and renamed in one step, so a reader that lists versions never sees a half-written one.
 */
public final class ModelStore {

  public static final String METADATA_FILE = "metadata.json";
  public static final String SPEC_FILE = "spec.yaml";

  /**
   * The fitted tabular transform a version was trained with ({@code TabularTransform.toJson()}),
   * written by the trainer for tabular pipelines; the serving path applies it to requests.
   */
  public static final String TRANSFORM_FILE = "transform.json";

  /** Prefix of the DJL parameter file; DJL appends the epoch: {@code mlp-0000.params}. */
  public static final String PARAMS_PREFIX = "mlp";

  private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);
  private static final Pattern VERSION_DIR = Pattern.compile("v(\\d+)");
  private static final Pattern PARAMS_FILE =
      Pattern.compile(Pattern.quote(PARAMS_PREFIX) + "-\\d{4}\\.params");

  private final Path root;

  public ModelStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  public Path versionDir(String modelId, int version) {
    return modelDir(modelId).resolve("v" + version);
  }

  /**
   * Writes one version atomically and returns its directory.
   *
   * @throws ModelStoreException when the version already exists or cannot be written
   */
  public Path save(Model model, ModelMetadata metadata, String specYaml) {
    return save(model, metadata, specYaml, Map.of());
  }

  /** Writes one extra file of a version (e.g. the trainer's buffer snapshot). */
  @FunctionalInterface
  public interface FileContent {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Saves a version with extra files beside the parameters; all of it appears at once (written to a
   * temporary directory, then renamed), so a crash never leaves half a version. {@code model} is
   * null for a version that is not a DJL model (a text classifier's head lives in the extra files).
   */
  public Path save(
      Model model, ModelMetadata metadata, String specYaml, Map<String, FileContent> extraFiles) {
    Path target = versionDir(metadata.modelId(), metadata.version());
    if (Files.exists(target)) {
      throw new ModelStoreException(
          "model version already exists (versions are immutable): " + target);
    }
    Path temp =
        modelDir(metadata.modelId())
            .resolve(".tmp-v" + metadata.version() + "-" + UUID.randomUUID());
    try {
      Files.createDirectories(temp);
      if (model != null) {
        model.save(temp, PARAMS_PREFIX);
      }
      Files.writeString(temp.resolve(METADATA_FILE), metadata.toJson(), StandardCharsets.UTF_8);
      Files.writeString(
          temp.resolve(SPEC_FILE), specYaml == null ? "" : specYaml, StandardCharsets.UTF_8);
      for (Map.Entry<String, FileContent> file : extraFiles.entrySet()) {
        try (OutputStream out = Files.newOutputStream(temp.resolve(file.getKey()))) {
          file.getValue().writeTo(out);
        }
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target);
      }
    } catch (IOException | RuntimeException e) {
      deleteQuietly(temp);
      throw new ModelStoreException(
          "cannot save model version to " + target + ": " + e.getMessage(), e);
    }
    LOG.debug("saved model version {}", target);
    return target;
  }

  /** Loads a version onto the engine's default device (a GPU when there is one). */
  public StoredModel load(Path versionDir) {
    return load(versionDir, Engine.getInstance().defaultDevice());
  }

  /**
   * Loads a version's metadata and parameters: an MLP, a SmallCnn classifier or a classifier over a
   * user's TorchScript or ONNX backbone (text classifiers are read with {@link
   * io.streamtune.model.text.TextClassifier#read}).
   *
   * @throws ModelStoreException naming the path when the directory is missing, incomplete or
   *     corrupt
   */
  public StoredModel load(Path versionDir, Device device) {
    Path dir = versionDir.toAbsolutePath().normalize();
    ModelMetadata metadata = readMetadata(dir);
    requireParamsFile(dir);
    Model model = Model.newInstance(metadata.modelId(), device);
    try {
      String architecture = metadata.architecture();
      boolean image = UserBackbone.readsImages(architecture);
      if (architecture.startsWith(UserBackbone.ARCHITECTURE_PREFIX)) {
        model.setBlock(UserBackbone.forLoading(model, metadata.numClasses(), architecture));
      } else {
        model.setBlock(
            image
                ? SmallCnn.classifier(SmallCnn.backbone(), metadata.numClasses())
                : MlpClassifier.block(metadata));
      }
      model.load(dir, PARAMS_PREFIX);
      if (!image) {
        checkInputWidth(model.getBlock(), metadata, dir);
      }
      return new StoredModel(model, metadata, dir);
    } catch (ModelStoreException e) {
      model.close();
      throw e;
    } catch (Exception e) {
      model.close();
      throw new ModelStoreException(
          "cannot load model parameters from " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Reads only the metadata of a version. */
  public ModelMetadata readMetadata(Path versionDir) {
    Path dir = versionDir.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new ModelStoreException("model version directory does not exist: " + dir);
    }
    Path file = dir.resolve(METADATA_FILE);
    if (!Files.isRegularFile(file)) {
      throw new ModelStoreException("model version directory has no " + METADATA_FILE + ": " + dir);
    }
    try {
      return ModelMetadata.fromJson(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      throw new ModelStoreException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Moves a version out of the store's view (to a hidden {@code .unpublished-vN-...} folder kept
   * for inspection): {@link #versions} no longer lists it and the number is free again.
   *
   * @return where it went
   */
  public Path setAside(String modelId, int version) {
    Path dir = versionDir(modelId, version);
    Path aside = modelDir(modelId).resolve(".unpublished-v" + version + "-" + UUID.randomUUID());
    try {
      Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ModelStoreException("cannot set aside " + dir + ": " + e.getMessage(), e);
    }
    return aside;
  }

  /** The highest complete version of a model, if any. */
  public Optional<Integer> latestVersion(String modelId) {
    List<Integer> versions = versions(modelId);
    return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
  }

  /** Complete versions of a model in ascending order. */
  public List<Integer> versions(String modelId) {
    Path dir = modelDir(modelId);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Integer> versions = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      children.forEach(
          child -> {
            Matcher matcher = VERSION_DIR.matcher(child.getFileName().toString());
            if (matcher.matches() && Files.isRegularFile(child.resolve(METADATA_FILE))) {
              versions.add(Integer.parseInt(matcher.group(1)));
            }
          });
    } catch (IOException e) {
      throw new ModelStoreException("cannot list model versions in " + dir, e);
    }
    versions.sort(Comparator.naturalOrder());
    return versions;
  }

  private Path modelDir(String modelId) {
    if (modelId == null
        || modelId.isBlank()
        || modelId.contains("/")
        || modelId.contains("\\")
        || modelId.startsWith(".")) {
      throw new IllegalArgumentException("invalid model id for a directory name: " + modelId);
    }
    return root.resolve(modelId);
  }

  private static void requireParamsFile(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      boolean found =
          files.anyMatch(
              f -> PARAMS_FILE.matcher(f.getFileName().toString()).matches() && isNonEmpty(f));
      if (!found) {
        throw new ModelStoreException(
            "model version directory has no parameter file "
                + PARAMS_PREFIX
                + "-NNNN.params: "
                + dir);
      }
    } catch (IOException e) {
      throw new ModelStoreException("cannot list " + dir, e);
    }
  }

  private static boolean isNonEmpty(Path file) {
    try {
      return Files.size(file) > 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** A parameter file of another architecture loads without complaint; catch it here. */
  private static void checkInputWidth(Block block, ModelMetadata metadata, Path dir) {
    Parameter firstWeight =
        block.getParameters().values().stream()
            .filter(p -> p.getType() == Parameter.Type.WEIGHT)
            .findFirst()
            .orElseThrow(() -> new ModelStoreException("model block has no weights: " + dir));
    long inputWidth = firstWeight.getArray().getShape().get(1);
    if (inputWidth != metadata.featureCount()) {
      throw new ModelStoreException(
          "parameters in "
              + dir
              + " take "
              + inputWidth
              + " features but metadata.json says featureCount="
              + metadata.featureCount());
    }
  }

  /**
   * Deletes a directory tree (a half-written version, a scratch store); a failure is logged, never
   * thrown, so a cleanup in a {@code finally} cannot hide what went wrong before it.
   */
  public static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete temporary directory {}: {}", dir, e.getMessage());
    }
  }
}
