package io.streamtune.model.image;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.util.Utils;
import io.streamtune.spec.ImageBackbones;
import java.nio.file.Path;

/**
 * An ImageNet backbone of DJL's PyTorch model zoo ({@code trainer.backbone: zoo:resnet18}): DJL
 * downloads the TorchScript file once into its cache and loads it with trainable parameters; it
 * then goes under a new head like a user's TorchScript backbone. Offline (this project's tests and
 * machines, {@code -Dai.djl.offline=true}) nothing is downloaded: when the file is not in the cache
 * the error says which file to fetch and where it goes.
 */
public final class ZooBackbone {

  private ZooBackbone() {}

  /** DJL's cache directory ({@code DJL_CACHE_DIR}, default {@code ~/.djl.ai}). */
  public static Path cacheDir() {
    return Utils.getCacheDir();
  }

  /**
   * The zoo model as a DJL model holding its TorchScript block.
   *
   * @throws IllegalArgumentException naming the file, its URL and the DJL cache directory when it
   *     is not cached and cannot be downloaded
   */
  public static Model load(ImageBackbones.ZooModel zoo, Device device) {
    Criteria<NDList, NDList> criteria =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelUrls(zoo.djlUrl())
            .optEngine("PyTorch")
            .optDevice(device)
            .optTranslator(new NoopTranslator())
            .optOption("trainParam", "true")
            .optOption("mapLocation", "true")
            .build();
    try {
      ZooModel<NDList, NDList> model = criteria.loadModel();
      return model;
    } catch (Exception e) {
      throw new IllegalArgumentException(missingMessage(zoo, Utils.isOfflineMode(), e), e);
    }
  }

  /** What the user has to do when the zoo file is neither cached nor downloadable. */
  static String missingMessage(ImageBackbones.ZooModel zoo, boolean offline, Exception cause) {
    return "cannot load trainer.backbone zoo:"
        + zoo.name()
        + " ("
        + zoo.djlUrl()
        + ") from DJL's model zoo"
        + (offline
            ? ": this JVM is offline (ai.djl.offline=true) and the file is not in the DJL cache"
            : ": " + cause.getMessage())
        + ". Pre-fetch it: run the trainer once online with DJL_OFFLINE=false (or"
        + " -Dai.djl.offline=false; the services go offline by themselves otherwise, see"
        + " TorchNatives), and DJL downloads "
        + zoo.fileUrl()
        + " into its cache dir "
        + cacheDir()
        + ", under cache/repo/; set DJL_CACHE_DIR to choose that dir), or copy that dir from a"
        + " machine that ran it; or download "
        + zoo.fileUrl()
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
