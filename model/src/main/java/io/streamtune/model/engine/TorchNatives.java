package io.streamtune.model.engine;

import ai.djl.util.Utils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which PyTorch natives DJL loads, decided before its engine first starts.
 *
 * <p>The build bundles DJL's CPU natives for the platform it ran on (a Maven profile per platform).
 * Those are used offline. A GPU user gets CUDA natives the way DJL loads them itself (its "Engine
 * Configuration" keys): {@code PYTORCH_LIBRARY_PATH} naming an existing libtorch, or {@code
 * PYTORCH_FLAVOR=cu128} with the CPU natives jar off the class path, so that DJL downloads them
 * once into {@code DJL_CACHE_DIR} (with the jar there, DJL 0.36 loads it and ignores the flavor).
 * What cannot work fails at start with the platform and the fix.
 */
public final class TorchNatives {

  private static final Logger LOG = LoggerFactory.getLogger(TorchNatives.class);

  /** The libtorch release the build's DJL (0.36) is compiled against. */
  public static final String PYTORCH_VERSION = "2.7.1";

  /** Platforms for which DJL publishes {@code pytorch-native-cpu:2.7.1} and its JNI library. */
  public static final Set<String> PUBLISHED =
      Set.of("linux-x86_64", "linux-aarch64", "osx-aarch64", "win-x86_64");

  /** DJL's offline switch, as system property. */
  public static final String OFFLINE_PROPERTY = "ai.djl.offline";

  private static final String BUNDLED_PROPERTIES = "native/lib/pytorch.properties";

  private static volatile Plan applied;

  private TorchNatives() {}

  /** How the natives are found, and whether DJL may then stay offline. */
  public sealed interface Plan {

    /** The natives in the jar match this platform. */
    record Bundled(String platform) implements Plan {}

    /** {@code PYTORCH_LIBRARY_PATH}: a libtorch the user installed (a pip torch, a CUDA build). */
    record External(String libraryPath, String flavor) implements Plan {}

    /** DJL downloads the flavor for this platform once into its cache: needs the network. */
    record Download(String platform, String flavor, String why) implements Plan {}

    /** Nothing can run here; the message names the platform and the fix. */
    record Unsupported(String message) implements Plan {}

    default boolean offlineCapable() {
      return this instanceof Bundled || this instanceof External;
    }
  }

  /** DJL's classifier for an {@code os.name}/{@code os.arch} pair, e.g. {@code osx-aarch64}. */
  public static String platformOf(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    String family;
    if (os.startsWith("linux")) {
      family = "linux";
    } else if (os.startsWith("mac") || os.startsWith("darwin")) {
      family = "osx";
    } else if (os.startsWith("windows")) {
      family = "win";
    } else {
      family = os.replace(' ', '_');
    }
    String arch =
        switch (osArch.toLowerCase(Locale.ROOT)) {
          case "amd64", "x86_64", "x64" -> "x86_64";
          case "aarch64", "arm64" -> "aarch64";
          default -> osArch.toLowerCase(Locale.ROOT);
        };
    return family + "-" + arch;
  }

  /**
   * Decides where the natives come from.
   *
   * @param platform this machine, as {@link #platformOf}
   * @param bundled the classifier of the natives in the jar, if any
   * @param settings DJL's settings by name ({@code PYTORCH_LIBRARY_PATH}, {@code PYTORCH_FLAVOR}),
   *     as DJL reads them
   */
  public static Plan plan(String platform, Optional<String> bundled, Map<String, String> settings) {
    String libraryPath = settings.get("PYTORCH_LIBRARY_PATH");
    String flavor = settings.getOrDefault("PYTORCH_FLAVOR", "cpu");
    if (libraryPath != null && !libraryPath.isBlank()) {
      return new Plan.External(libraryPath, flavor);
    }
    boolean bundledFits = bundled.isPresent() && bundled.get().equals(platform);
    if (!flavor.startsWith("cpu")) {
      if (bundledFits) {
        // DJL 0.36 takes a natives jar of the right platform and version before it reads the flavor
        return new Plan.Unsupported(
            "PYTORCH_FLAVOR="
                + flavor
                + " asks for GPU natives, but the pytorch-native-cpu jar for "
                + platform
                + " is on the class path and DJL loads it instead (it reads the flavor only when it"
                + " downloads). Fix: leave pytorch-native-cpu-*.jar off the class path (./streamtune"
                + " and the GPU image do when PYTORCH_FLAVOR starts with cu), or set"
                + " PYTORCH_LIBRARY_PATH to a libtorch "
                + PYTORCH_VERSION
                + "+"
                + flavor
                + " folder (e.g. torch/lib of a pip-installed torch=="
                + PYTORCH_VERSION
                + ").");
      }
      return new Plan.Download(platform, flavor, "PYTORCH_FLAVOR=" + flavor);
    }
    if (bundledFits) {
      return new Plan.Bundled(platform);
    }
    String inJar =
        bundled
            .map(c -> "the bundled PyTorch natives are for " + c)
            .orElse("no PyTorch natives are bundled");
    if (!PUBLISHED.contains(platform)) {
      return new Plan.Unsupported(
          "this machine is "
              + platform
              + " and "
              + inJar
              + "; DJL publishes PyTorch "
              + PYTORCH_VERSION
              + " natives only for "
              + String.join(", ", PUBLISHED.stream().sorted().toList())
              + ". Fix: set PYTORCH_LIBRARY_PATH to a libtorch "
              + PYTORCH_VERSION
              + " folder built for this machine (e.g. torch/lib of `pip install torch=="
              + PYTORCH_VERSION
              + "`) with PYTORCH_VERSION="
              + PYTORCH_VERSION
              + " and PYTORCH_FLAVOR=cpu, or run on one of those platforms.");
    }
    // DJL finds them in DJL_CACHE_DIR when an earlier run downloaded them, else downloads them
    return new Plan.Download(
        platform,
        "cpu",
        inJar
            + ", this machine is "
            + platform
            + " (offline, build on this machine: ./mvnw picks pytorch-native-cpu:"
            + PYTORCH_VERSION
            + ":"
            + platform
            + " by profile)");
  }

  /**
   * Decides and applies the plan once per JVM, before the PyTorch engine starts: DJL goes offline
   * where the natives need no download, unless the user set the switch. Idempotent.
   *
   * @throws IllegalStateException with the platform and the fix when nothing can run here
   */
  public static Plan configure() {
    Plan plan = applied;
    if (plan != null) {
      return plan;
    }
    synchronized (TorchNatives.class) {
      if (applied != null) {
        return applied;
      }
      plan =
          plan(
              platformOf(System.getProperty("os.name"), System.getProperty("os.arch")),
              bundledClassifier(TorchNatives.class.getClassLoader()),
              djlSettings("PYTORCH_LIBRARY_PATH", "PYTORCH_FLAVOR"));
      if (plan instanceof Plan.Unsupported unsupported) {
        throw new IllegalStateException(unsupported.message());
      }
      if (plan.offlineCapable()
          && System.getProperty(OFFLINE_PROPERTY) == null
          && System.getenv("DJL_OFFLINE") == null) {
        System.setProperty(OFFLINE_PROPERTY, "true");
      }
      if (plan instanceof Plan.Download download) {
        LOG.info(
            "PyTorch natives: DJL downloads {} for {} once into its cache ({})",
            download.flavor(),
            download.platform(),
            download.why());
      }
      applied = plan;
      return plan;
    }
  }

  /**
   * The classifier of the natives jar on the class path ({@code native/lib/pytorch.properties}).
   */
  public static Optional<String> bundledClassifier(ClassLoader loader) {
    try (InputStream in = loader.getResourceAsStream(BUNDLED_PROPERTIES)) {
      if (in == null) {
        return Optional.empty();
      }
      Properties properties = new Properties();
      properties.load(in);
      return Optional.ofNullable(properties.getProperty("classifier"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + BUNDLED_PROPERTIES, e);
    }
  }

  /** The settings as DJL itself reads them: an environment variable, else a system property. */
  private static Map<String, String> djlSettings(String... names) {
    Map<String, String> settings = new HashMap<>();
    for (String name : names) {
      String value = Utils.getEnvOrSystemProperty(name);
      if (value != null) {
        settings.put(name, value);
      }
    }
    return settings;
  }
}
