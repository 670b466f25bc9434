package io.streamtune.launcher;

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
}
