package io.streamtune.common.metrics;

import io.streamtune.common.config.ConfigException;
import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.config.ConfigSource;
import java.util.List;

/**
 * Where a service serves its Prometheus {@code /metrics}: {@code metrics.port} (each service has
 * its own documented default so that services on one host do not collide; 0 = any free port, -1 =
 * off) and {@code metrics.bind.address} (loopback by default: metrics name topics and versions,
 * which a deployment may not want on every interface).
 */
public record MetricsSettings(String bindAddress, int port) {

  /** Default ports: trainer 9402, evaluator 9403, serve 9404, feedback 9405 (preprocess: 9249). */
  public static final int TRAINER_PORT = 9402;

  public static final int EVALUATOR_PORT = 9403;
  public static final int SERVE_PORT = 9404;
  public static final int FEEDBACK_PORT = 9405;

  /**
   * Flink's Prometheus reporter default, used by the preprocessing job's JobManager/TaskManager.
   */
  public static final int PREPROCESS_PORT = 9249;

  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
  public static final int OFF = -1;
  public static final int ANY_FREE_PORT = 0;

  public static final ConfigKey<String> BIND_ADDRESS =
      ConfigKey.string(
          "metrics.bind.address",
          DEFAULT_BIND_ADDRESS,
          "Address the Prometheus /metrics endpoint binds; loopback by default, 0.0.0.0 for every"
              + " interface (docker-compose)");

  public MetricsSettings {
    if (bindAddress == null || bindAddress.isBlank()) {
      throw ConfigException.invalid(BIND_ADDRESS, bindAddress, "must be a host name or address");
    }
    if (port < OFF || port > 65535) {
      throw ConfigException.invalid(
          portKey(ANY_FREE_PORT), port, "must be 1 to 65535, 0 (any free port) or -1 (off)");
    }
  }

  /** The {@code metrics.port} key with this service's default port. */
  public static ConfigKey<Integer> portKey(int defaultPort) {
    return ConfigKey.integer(
        "metrics.port",
        defaultPort,
        "Port of the Prometheus /metrics endpoint: 1 to 65535, 0 = any free port, -1 = off");
  }

  /** Both metrics keys, {@code metrics.port} defaulting to {@code defaultPort}. */
  public static List<ConfigKey<?>> keys(int defaultPort) {
    return List.of(portKey(defaultPort), BIND_ADDRESS);
  }

  /** Reads both keys; a bad value fails naming the key. */
  public static MetricsSettings from(ConfigSource source, int defaultPort) {
    return new MetricsSettings(source.get(BIND_ADDRESS), source.get(portKey(defaultPort)));
  }

  /** Loopback, any free port: embedded runs and tests. */
  public static MetricsSettings anyFreePort() {
    return new MetricsSettings(DEFAULT_BIND_ADDRESS, ANY_FREE_PORT);
  }

  /** No endpoint: the meters are still kept (a scrape through {@link MetricsEndpoint#scrape()}). */
  public static MetricsSettings off() {
    return new MetricsSettings(DEFAULT_BIND_ADDRESS, OFF);
  }

  public boolean enabled() {
    return port != OFF;
  }
}
