package io.streamtune.trainer;

import io.streamtune.schemas.config.ConfigSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the trainer as its own process, configured from {@code STREAMTUNE_*} variables. */
public final class TrainerMain {

  private static final Logger LOG = LoggerFactory.getLogger(TrainerMain.class);

  private TrainerMain() {}

  public static void main(String[] args) {
    TrainerConfig config = TrainerConfig.from(ConfigSource.fromEnvironment());
    TrainerService service = new TrainerService(config);
    Thread loop = Thread.currentThread();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("shutdown requested, stopping the trainer");
                  service.close();
                  try {
                    loop.join(10_000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "streamtune-trainer-shutdown"));
    service.run();
  }
}
