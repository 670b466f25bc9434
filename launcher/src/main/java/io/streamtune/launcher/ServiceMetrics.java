package io.streamtune.launcher;

import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.config.ConfigSource;
import io.streamtune.common.metrics.MetricsEndpoint;
import io.streamtune.common.metrics.MetricsSettings;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics keys of a service command ({@code metrics.port} with the service's default port,
 * {@code metrics.bind.address}): read here, taken out of what the service's typed config reads.
 */
final class ServiceMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceMetrics.class);

  private ServiceMetrics() {}

  /** The service's keys and the two metrics keys: the command's options. */
  static List<ConfigKey<?>> keys(List<ConfigKey<?>> serviceKeys, int defaultPort) {
    List<ConfigKey<?>> keys = new ArrayList<>(serviceKeys);
    keys.addAll(MetricsSettings.keys(defaultPort));
    return List.copyOf(keys);
  }

  /**
   * What the service's own {@code from(ConfigSource)} reads: {@code source} less the metrics keys.
   */
  static ConfigSource serviceSource(ConfigSource source, int defaultPort) {
    return source.without(MetricsSettings.keys(defaultPort));
  }

  /** Starts the service's {@code /metrics} endpoint as the metrics keys in {@code source} say. */
  static MetricsEndpoint start(String service, ConfigSource source, int defaultPort) {
    MetricsEndpoint endpoint =
        MetricsEndpoint.start(service, MetricsSettings.from(source, defaultPort));
    if (endpoint.url() != null) {
      LOG.info("{} metrics at {}", service, endpoint.url());
    }
    return endpoint;
  }
}
