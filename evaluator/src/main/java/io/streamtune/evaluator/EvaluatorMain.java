package io.streamtune.evaluator;

import io.streamtune.schemas.config.ConfigException;
import io.streamtune.schemas.config.ConfigSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the evaluator as its own process, configured from {@code STREAMTUNE_*} environment variables
 * (see {@link EvaluatorConfig#KEYS}), until SIGTERM.
 */
public final class EvaluatorMain {

  private static final Logger LOG = LoggerFactory.getLogger(EvaluatorMain.class);

  private EvaluatorMain() {}

  public static void main(String[] args) {
    EvaluatorConfig config;
    try {
      config = EvaluatorConfig.from(ConfigSource.fromEnvironment());
    } catch (ConfigException e) {
      LOG.error("invalid configuration: {}", e.getMessage());
      System.err.println("streamtune evaluator: " + e.getMessage());
      System.exit(2);
      return;
    }
    EvaluatorService service = new EvaluatorService(config);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(service::close, "streamtune-evaluator-shutdown"));
    service.run();
  }
}
