package io.streamtune.launcher;

import io.streamtune.common.config.CommonKeys;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a long-lived service on the calling thread until SIGTERM / Ctrl-C closes it. */
final class ServiceRunner {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);

  private ServiceRunner() {}

  static <S extends Runnable & AutoCloseable> int runUntilShutdown(String name, S service) {
    Thread loop = Thread.currentThread();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("shutdown requested, stopping the {}", name);
                  try {
                    service.close();
                    loop.join(30_000);
                  } catch (Exception e) {
                    LOG.warn("the {} did not stop cleanly: {}", name, e.toString());
                  }
                },
                "streamtune-" + name + "-shutdown"));
    service.run();
    return 0;
  }

  /** The --pipeline option as the pipeline.spec key, so it wins over STREAMTUNE_PIPELINE_SPEC. */
  static Map<String, String> pipelineOverride(Path pipeline) {
    Map<String, String> overrides = new HashMap<>();
    if (pipeline != null) {
      overrides.put(CommonKeys.PIPELINE_SPEC.name(), pipeline.toString());
    }
    return overrides;
  }
}
