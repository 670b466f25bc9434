package io.streamtune.launcher.chaos;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Flink cluster settings a restart in the chaos suite was measured with, set on its cluster
 * and, for users, in docker-compose.yml's Flink services (checked by DockerComposeConfigTest) and
 * README's "A Flink cluster of your own".
 */
public final class FlinkRecoverySettings {

  private FlinkRecoverySettings() {}

  /** Both JobManager and TaskManagers: a killed TaskManager is noticed within seconds, not 50 s. */
  public static Map<String, String> heartbeats() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("heartbeat.interval", "1000");
    settings.put("heartbeat.timeout", "5000");
    settings.put("heartbeat.rpc-failure-threshold", "1");
    return settings;
  }

  /**
   * TaskManagers: they register at a restarted JobManager within a second or two (defaults: 10 s
   * after an error, backing off to 30 s), and free a killed JobManager's job's slots soon after.
   */
  public static Map<String, String> taskManager() {
    Map<String, String> settings = heartbeats();
    settings.put("cluster.registration.initial-timeout", "100");
    settings.put("cluster.registration.max-timeout", "1000");
    settings.put("cluster.registration.error-delay", "500");
    settings.put("cluster.registration.refused-registration-delay", "500");
    settings.put("taskmanager.slot.timeout", "2 s");
    return settings;
  }
}
