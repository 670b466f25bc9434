package io.streamtune.common.config;

import io.confluent.kafka.serializers.AbstractKafkaSchemaSerDeConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The pass-through of client settings: a configuration key {@code kafka.<property>} (variable
 * {@code STREAMTUNE_KAFKA_<PROPERTY>}) sets the Kafka client property {@code <property>} of every
 * client a service creates ({@code sasl.mechanism}, {@code security.protocol}, {@code ssl.*} …); a
 * key {@code schema.registry.<setting>} (variable {@code STREAMTUNE_SCHEMA_REGISTRY_<SETTING>})
 * sets the Confluent serializer/registry-client setting {@code <setting>} ({@code
 * basic.auth.user.info}, {@code bearer.auth.token}; the registry's TLS settings keep their own
 * {@code schema.registry.ssl.*} names). A variable name has lost the dots, so it is matched against
 * the names the clients know; a name that matches none is a configuration error, not a silent
 * no-op. The declared keys {@code kafka.bootstrap.servers} and {@code schema.registry.url} are not
 * part of it.
 */
public final class ClientSettings {

  public static final String KAFKA_PREFIX = "kafka.";
  public static final String REGISTRY_PREFIX = "schema.registry.";

  /** A value whose key name contains one of these is printed as {@code [hidden]}. */
  static final Set<String> SECRET_MARKERS =
      Set.of("password", "jaas", "user.info", "token", "secret", "key");

  public static final String HIDDEN = "[hidden]";

  /** Kafka client property by the configuration key name ({@code kafka.<property>}). */
  private static final Map<String, String> KAFKA = index(kafkaProperties(), KAFKA_PREFIX);

  /** Registry setting by the configuration key name ({@code schema.registry.<setting>}). */
  private static final Map<String, String> REGISTRY = index(registrySettings(), REGISTRY_PREFIX);

  private ClientSettings() {}

  /** Configuration key names of the Kafka pass-through ({@code kafka.sasl.mechanism} …). */
  public static Set<String> kafkaKeyNames() {
    return Collections.unmodifiableSet(KAFKA.keySet());
  }

  /** Configuration key names of the registry pass-through ({@code schema.registry.basic…}). */
  public static Set<String> registryKeyNames() {
    return Collections.unmodifiableSet(REGISTRY.keySet());
  }

  /** Whether {@code keyName} is a key of the pass-through (Kafka or registry). */
  public static boolean isPassThroughKey(String keyName) {
    return KAFKA.containsKey(keyName) || REGISTRY.containsKey(keyName);
  }

  /** Whether a key or variable name is in the pass-through's namespaces (known or not). */
  static boolean inNamespace(String envName) {
    return envName.startsWith(envPrefix(KAFKA_PREFIX))
        || envName.startsWith(envPrefix(REGISTRY_PREFIX));
  }

  /**
   * Splits the given variables (by environment name, none a declared key) into Kafka properties and
   * registry settings.
   *
   * @throws ConfigException naming the first variable that matches no client setting
   */
  static Resolved resolve(Map<String, String> valuesByEnvName) {
    Map<String, String> kafkaByEnv = byEnvName(KAFKA);
    Map<String, String> registryByEnv = byEnvName(REGISTRY);
    Map<String, String> kafka = new TreeMap<>();
    Map<String, String> registry = new TreeMap<>();
    for (Map.Entry<String, String> entry : new TreeMap<>(valuesByEnvName).entrySet()) {
      String env = entry.getKey();
      String value = entry.getValue();
      if (value == null || value.isBlank()) {
        continue;
      }
      if (kafkaByEnv.containsKey(env)) {
        kafka.put(kafkaByEnv.get(env), value.trim());
      } else if (registryByEnv.containsKey(env)) {
        registry.put(registryByEnv.get(env), value.trim());
      } else {
        throw unknown(env);
      }
    }
    return new Resolved(kafka, registry);
  }

  /** The Kafka properties and registry settings of the pass-through. */
  record Resolved(Map<String, String> kafka, Map<String, String> registry) {}

  private static ConfigException unknown(String env) {
    boolean kafka = env.startsWith(envPrefix(KAFKA_PREFIX));
    String name = toKeyName(env);
    String hint =
        kafka
            ? "STREAMTUNE_KAFKA_<NAME> must name a Kafka client property (producer, consumer or"
                + " admin config, e.g. STREAMTUNE_KAFKA_SECURITY_PROTOCOL for security.protocol,"
                + " STREAMTUNE_KAFKA_SASL_JAAS_CONFIG for sasl.jaas.config)"
            : "STREAMTUNE_SCHEMA_REGISTRY_<NAME> must name a schema-registry client setting (e.g."
                + " STREAMTUNE_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO for basic.auth.user.info,"
                + " STREAMTUNE_SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION for"
                + " schema.registry.ssl.truststore.location)";
    return new ConfigException(
        "unknown configuration key '"
            + name
            + "' (env "
            + env
            + "): it matches no client setting; "
            + hint);
  }

  /** {@code STREAMTUNE_KAFKA_SASL_MECHANISM} → {@code kafka.sasl.mechanism}, for messages. */
  private static String toKeyName(String env) {
    return env.substring(ConfigKey.ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /**
   * A copy of {@code settings} in which the value of every key that looks like a secret (names with
   * password, jaas, user.info, token, secret or key) reads {@code [hidden]}: for logs and messages.
   */
  public static Map<String, String> masked(Map<String, ?> settings) {
    Map<String, String> masked = new TreeMap<>();
    settings.forEach(
        (name, value) -> masked.put(name, isSecret(name) ? HIDDEN : String.valueOf(value)));
    return masked;
  }

  public static boolean isSecret(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return SECRET_MARKERS.stream().anyMatch(lower::contains);
  }

  private static Set<String> kafkaProperties() {
    Set<String> names = new TreeSet<>();
    names.addAll(ProducerConfig.configNames());
    names.addAll(ConsumerConfig.configNames());
    names.addAll(AdminClientConfig.configNames());
    // SaslConfigs and SslConfigs; the client configs above hold them, this keeps them if not
    names.addAll(new ConfigDef().withClientSslSupport().withClientSaslSupport().names());
    names.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    return names;
  }

  private static Set<String> registrySettings() {
    Set<String> names = new TreeSet<>(AbstractKafkaSchemaSerDeConfig.baseConfigDef().names());
    for (String ssl : new ConfigDef().withClientSslSupport().names()) {
      names.add(REGISTRY_PREFIX + ssl);
    }
    names.remove(AbstractKafkaSchemaSerDeConfig.SCHEMA_REGISTRY_URL_CONFIG);
    return names;
  }

  /**
   * Key name → setting; the registry's own {@code schema.registry.*} names are their key. Where a
   * setting has both names ({@code basic.auth.user.info} and its deprecated alias {@code
   * schema.registry.basic.auth.user.info}), the plain one is passed.
   */
  private static Map<String, String> index(Set<String> settings, String prefix) {
    Map<String, String> bySetting = new LinkedHashMap<>();
    for (String setting : settings) {
      if (!setting.startsWith(prefix)) {
        bySetting.put(prefix + setting, setting);
      }
    }
    for (String setting : settings) {
      if (setting.startsWith(prefix)) {
        bySetting.putIfAbsent(setting, setting);
      }
    }
    return bySetting;
  }

  private static Map<String, String> byEnvName(Map<String, String> byKeyName) {
    Map<String, String> byEnv = new LinkedHashMap<>();
    byKeyName.forEach((key, setting) -> byEnv.put(envName(key), setting));
    return byEnv;
  }

  static String envName(String keyName) {
    return ConfigKey.ENV_PREFIX
        + keyName.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static String envPrefix(String keyPrefix) {
    return envName(keyPrefix);
  }
}
