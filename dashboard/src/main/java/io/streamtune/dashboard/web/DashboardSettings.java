package io.streamtune.dashboard.web;

import io.streamtune.common.config.ConfigException;
import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.config.ConfigSource;
import java.util.List;

/**
 * Where and to whom the dashboard page is served: {@code dashboard.port} (8088 by default, 0 = any
 * free port), {@code dashboard.bind.address} (loopback by default: the page shows topic contents
 * and dead letters, which a deployment may not want on every interface) and {@code dashboard.token}
 * (none by default; when set, every request must carry it).
 *
 * @param token the access token every request must carry, or null for none
 */
public record DashboardSettings(String bindAddress, int port, String token) {

  public static final int DEFAULT_PORT = 8088;
  public static final int ANY_FREE_PORT = 0;
  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";

  public static final ConfigKey<Integer> PORT =
      ConfigKey.integer(
          "dashboard.port",
          DEFAULT_PORT,
          "Port of the dashboard page: 1 to 65535, 0 = any free port");

  public static final ConfigKey<String> BIND_ADDRESS =
      ConfigKey.string(
          "dashboard.bind.address",
          DEFAULT_BIND_ADDRESS,
          "Address the dashboard binds; loopback by default, 0.0.0.0 for every interface");

  public static final ConfigKey<String> TOKEN =
      ConfigKey.string(
          "dashboard.token",
          "",
          "Access token every dashboard request must carry (Authorization: Bearer <token>, or"
              + " ?token=<token> on the page's address); empty = none, loopback only");

  /** Every dashboard key. */
  public static final List<ConfigKey<?>> KEYS = List.of(PORT, BIND_ADDRESS, TOKEN);

  public DashboardSettings {
    if (bindAddress == null || bindAddress.isBlank()) {
      throw ConfigException.invalid(BIND_ADDRESS, bindAddress, "must be a host name or address");
    }
    if (port < ANY_FREE_PORT || port > 65535) {
      throw ConfigException.invalid(PORT, port, "must be 1 to 65535 or 0 (any free port)");
    }
    token = token == null || token.isBlank() ? null : token;
  }

  /** Without an access token. */
  public DashboardSettings(String bindAddress, int port) {
    this(bindAddress, port, null);
  }

  /** Reads the keys; a bad value fails naming the key. */
  public static DashboardSettings from(ConfigSource source) {
    return new DashboardSettings(source.get(BIND_ADDRESS), source.get(PORT), source.get(TOKEN));
  }

  /** These settings with {@code token} required. */
  public DashboardSettings withToken(String token) {
    return new DashboardSettings(bindAddress, port, token);
  }

  /** Never prints the token. */
  @Override
  public String toString() {
    return "DashboardSettings[bindAddress="
        + bindAddress
        + ", port="
        + port
        + ", token="
        + (token == null ? "none" : "set")
        + "]";
  }

  /** Loopback, any free port: embedded runs and tests. */
  public static DashboardSettings anyFreePort() {
    return new DashboardSettings(DEFAULT_BIND_ADDRESS, ANY_FREE_PORT);
  }
}
