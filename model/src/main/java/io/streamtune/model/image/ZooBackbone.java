package io.streamtune.model.image;

import ai.djl.Application;
import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.repository.MRL;
import ai.djl.repository.RemoteRepository;
import ai.djl.repository.zoo.BaseModelLoader;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.util.Utils;
import io.streamtune.spec.ImageBackbones;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An ImageNet backbone of DJL's PyTorch model zoo ({@code trainer.backbone: zoo:resnet18}): DJL
 * downloads the TorchScript file once into its cache and loads it with trainable parameters; it
 * then goes under a new head like a user's TorchScript backbone. Offline (this project's tests and
 * machines, {@code -Dai.djl.offline=true}) nothing is downloaded: when the file is not in the cache
 * the error says which file to fetch and where it goes.
 *
 * <p>The zoo's repository is DJL's ({@link ImageBackbones#DJL_REPO_URL}) unless DJL's own setting
 * {@code DJL_REPO_URL} (environment variable or system property) names another: a mirror, or a
 * {@code file://} directory in the zoo's layout ({@code
 * model/cv/image_classification/ai/djl/pytorch/<artifact>/metadata.json} and the files it lists).
 * DJL's {@code djl://} URLs always resolve to mlrepo.djl.ai, so the model is located through a
 * repository of that base URL instead; the cache layout is the same.
 */
public final class ZooBackbone {

  private static final String GROUP_ID = "ai.djl.pytorch";

  private ZooBackbone() {}

  /** DJL's cache directory ({@code DJL_CACHE_DIR}, default {@code ~/.djl.ai}). */
  public static Path cacheDir() {
    return Utils.getCacheDir();
  }

  /** The repository the zoo models come from: {@code DJL_REPO_URL} or DJL's. */
  public static String repositoryUrl() {
    String url = Utils.getEnvOrSystemProperty("DJL_REPO_URL", ImageBackbones.DJL_REPO_URL);
    return url.endsWith("/") ? url : url + "/";
  }

  /** Where DJL keeps a zoo model's files once fetched: under its cache dir's {@code cache/repo}. */
  public static Path cachedArtifactDir(ImageBackbones.ZooModel zoo) {
    return cacheDir()
        .resolve("cache/repo")
        .resolve(ImageBackbones.ZooModel.PATH + zoo.artifactId())
        .resolve(zoo.version())
        .resolve(zoo.artifactName());
  }

  /** Whether DJL's cache holds the model's files and its zoo metadata. */
  public static boolean cached(ImageBackbones.ZooModel zoo) {
    Path artifact = cachedArtifactDir(zoo);
    Path metadata = artifact.getParent().getParent().resolve("metadata.json");
    return Files.isDirectory(artifact) && Files.isRegularFile(metadata);
  }

  /**
   * The zoo model as a DJL model holding its TorchScript block.
   *
   * @throws IllegalArgumentException naming the file, its URL and the DJL cache directory when it
   *     is not cached and cannot be downloaded
   */
  public static Model load(ImageBackbones.ZooModel zoo, Device device) {
    String base = repositoryUrl();
    Criteria<NDList, NDList> criteria =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optEngine("PyTorch")
            .optDevice(device)
            .optTranslator(new NoopTranslator())
            .optOption("trainParam", "true")
            .optOption("mapLocation", "true")
            .build();
    try {
      boolean remote = base.startsWith("http:") || base.startsWith("https:");
      if (remote && Utils.isOfflineMode() && !cached(zoo)) {
        // DJL itself would try the network while offline; fail at once instead
        throw new IOException("no " + cachedArtifactDir(zoo));
      }
      RemoteRepository repository = new RemoteRepository("PyTorch", URI.create(base));
      MRL mrl =
          repository.model(
              Application.CV.IMAGE_CLASSIFICATION,
              GROUP_ID,
              zoo.artifactId(),
              zoo.version(),
              zoo.artifactName());
      ZooModel<NDList, NDList> model = new BaseModelLoader(mrl).loadModel(criteria);
      return model;
    } catch (Exception e) {
      throw new IllegalArgumentException(missingMessage(zoo, Utils.isOfflineMode(), e), e);
    }
  }

  /** What the user has to do when the zoo file is neither cached nor downloadable. */
  static String missingMessage(ImageBackbones.ZooModel zoo, boolean offline, Exception cause) {
    String file = zoo.fileUrl(repositoryUrl());
    return "cannot load trainer.backbone zoo:"
        + zoo.name()
        + " ("
        + zoo.djlUrl()
        + ") from DJL's model zoo"
        + (offline
            ? ": this JVM is offline (ai.djl.offline=true) and the file is not in the DJL cache"
            : "")
        + ": "
        + cause.getMessage()
        + ". Pre-fetch it: run the trainer once online with DJL_OFFLINE=false (or"
        + " -Dai.djl.offline=false; the services go offline by themselves otherwise, see"
        + " TorchNatives), and DJL downloads "
        + file
        + " into its cache dir "
        + cacheDir()
        + " (as "
        + cachedArtifactDir(zoo)
        + "; set DJL_CACHE_DIR to choose that dir), or copy that dir from a machine that ran it;"
        + " or point DJL_REPO_URL at a mirror or a file:// copy of the zoo; or download "
        + file
        + " yourself, unpack the .pt and name it as trainer.backbone with a sidecar .json beside"
        + " it: {\"width\": 224, \"height\": 224, \"channels\": 3, \"mean\": "
        + ImageBackbones.IMAGENET_MEAN
        + ", \"std\": "
        + ImageBackbones.IMAGENET_STD
        + ", \"output\": \""
        + (zoo.outputsFeatures() ? "features" : "logits")
        + "\"}";
  }
}
