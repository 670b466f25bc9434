package io.streamtune.common.config;

/** A configuration error found at start-up; the message names the key and what is allowed. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A value that parsed but breaks a rule of its key. */
  public static ConfigException invalid(ConfigKey<?> key, Object value, String rule) {
    return new ConfigException(
        "invalid value '"
            + value
            + "' for configuration key '"
            + key.name()
            + "' (env "
            + key.envName()
            + "): "
            + rule
            + "; "
            + key.doc());
  }
}
