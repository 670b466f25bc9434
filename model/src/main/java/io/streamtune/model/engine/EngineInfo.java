package io.streamtune.model.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Utils;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a model trains on: engine and libtorch versions, the native flavor ({@code cpu}, {@code
 * cu128}, ...), the device and PyTorch's thread count. Logged at start and kept in each version.
 */
public record EngineInfo(
    String djlVersion, String pytorchVersion, String flavor, String device, int threads) {

  // DJL keeps natives in <cache>/pytorch/<version>[-<build date>]-<flavor>-<os>-<arch>
  private static final Pattern CACHE_DIR =
      Pattern.compile("^\\d+\\.\\d+\\.\\d+(?:-\\d{8})?-(.+)-[a-z]+-[a-z0-9_]+$");

  /** Reads the running PyTorch engine; starts it if it has not started. */
  public static EngineInfo of(Device device) {
    Engine engine = Engine.getEngine("PyTorch");
    String path = LibUtils.getLibtorchPath();
    String flavor =
        flavorOf(
            path == null ? null : Path.of(path).getFileName().toString(),
            Utils.getEnvOrSystemProperty("PYTORCH_FLAVOR"),
            engine.hasCapability(StandardCapabilities.CUDA));
    return new EngineInfo(
        Engine.getDjlVersion(),
        engine.getVersion(),
        flavor,
        device.toString(),
        Integer.getInteger(
            "ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors()));
  }

  /**
   * The native flavor: from DJL's cache folder name when it has one, else the flavor the user
   * named, else what the engine can do.
   *
   * @param libtorchFolder the last path element of the loaded libtorch folder, or {@code null}
   */
  public static String flavorOf(String libtorchFolder, String requestedFlavor, boolean cuda) {
    if (libtorchFolder != null) {
      Matcher matcher = CACHE_DIR.matcher(libtorchFolder.toLowerCase(Locale.ROOT));
      if (matcher.matches()) {
        return matcher.group(1);
      }
    }
    if (requestedFlavor != null && !requestedFlavor.isBlank()) {
      return requestedFlavor.toLowerCase(Locale.ROOT);
    }
    return cuda ? "cuda" : "cpu";
  }

  /** One line for the start-up log. */
  public String describe() {
    return "DJL "
        + djlVersion
        + ", PyTorch "
        + pytorchVersion
        + " ("
        + flavor
        + " natives), device "
        + device
        + ", "
        + threads
        + (threads == 1 ? " thread" : " threads");
  }
}
