package io.streamtune.embedded;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM for process tests (a service killed or stopped for real): this
 * JVM's java and class path, and the DJL and Avro settings the test JVM runs with, so the child
 * stays offline and single-threaded like its parent.
 */
public final class ChildJvm {

  private static final List<String> INHERITED_PROPERTIES =
      List.of(
          "ai.djl.offline",
          "DJL_CACHE_DIR",
          "ENGINE_CACHE_DIR",
          "ai.djl.pytorch.num_threads",
          "ai.djl.pytorch.num_interop_threads",
          "org.apache.avro.SERIALIZABLE_PACKAGES");

  private ChildJvm() {}

  /**
   * @param jvmOptions extra options before the class path (e.g. a log configuration)
   * @return java, 512 MiB of heap, the inherited properties, the options, the class path and the
   *     main class; the caller appends the program's arguments
   */
  public static List<String> command(String mainClass, String... jvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(List.of(jvmOptions));
    for (String property : INHERITED_PROPERTIES) {
      String value = System.getProperty(property);
      if (value != null) {
        command.add("-D" + property + "=" + value);
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    return command;
  }
}
