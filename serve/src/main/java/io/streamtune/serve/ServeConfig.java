package io.streamtune.serve;

import io.streamtune.common.config.CommonKeys;
import io.streamtune.common.config.ConfigException;
import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.config.ConfigSource;
import io.streamtune.common.config.KafkaConnection;
import io.streamtune.spec.PipelineSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything the serve service is configured with.
 *
 * @param consumerGroup consumer group of the requests consumer, and the base of the transactional
 *     id of the predictions producer
 * @param modelStore the model store the champion is loaded from (only from its own folder)
 * @param pollTimeout how long one poll of the requests topic may block
 * @param maxPollRecords most requests in one poll, hence in one transaction and one forward pass
 * @param shadowRequests after a promotion, how many requests the previous champion also scores as
 *     the shadow (0 = none)
 * @param httpHost the address the HTTP endpoint binds (loopback by default)
 * @param httpPort its port; 0 = any free port, -1 = no HTTP endpoint
 * @param httpMaxBodyBytes the largest request body the endpoint reads (413 above)
 * @param token the access token every HTTP request must carry; null for none
 * @param driftWindow served requests per input-drift window (tabular models with a training
 *     reference)
 * @param driftPsiThreshold a column whose population stability index over a window exceeds this
 *     asks for a retrain on {@code control}
 * @param shutdownTimeout how long a stop may take ({@code service.shutdown.timeout.ms})
 */
public record ServeConfig(
    KafkaConnection kafka,
    PipelineSpec spec,
    String consumerGroup,
    Path modelStore,
    Duration pollTimeout,
    int maxPollRecords,
    int shadowRequests,
    String httpHost,
    int httpPort,
    int httpMaxBodyBytes,
    String token,
    int driftWindow,
    double driftPsiThreshold,
    Duration shutdownTimeout) {

  public static final ConfigKey<String> MODEL_STORE =
      ConfigKey.string(
          "serve.model.store",
          "model-store",
          "Directory of the model store (the trainer's trainer.model.store); a version is loaded"
              + " only from its own folder in it");
  public static final ConfigKey<String> CONSUMER_GROUP =
      ConfigKey.string(
          "serve.consumer.group",
          "streamtune-serve",
          "Consumer group of the requests consumer (also the transactional id prefix)");
  public static final ConfigKey<Long> POLL_TIMEOUT_MS =
      ConfigKey.longKey(
          "serve.poll.timeout.ms", 100, "How long one poll of requests may block (at least 1)");
  public static final ConfigKey<Integer> MAX_POLL_RECORDS =
      ConfigKey.integer(
          "serve.max.poll.records",
          500,
          "Most requests per poll, answered in one transaction and one forward pass (1 to"
              + " 100000)");
  public static final ConfigKey<Integer> SHADOW_REQUESTS =
      ConfigKey.integer(
          "serve.shadow.requests",
          1000,
          "After a promotion, how many requests the previous champion also scores as the shadow"
              + " (role SHADOW on predictions); 0 = no shadow");
  public static final ConfigKey<String> HTTP_HOST =
      ConfigKey.string(
          "serve.http.host",
          "127.0.0.1",
          "Address the HTTP endpoint (POST /predict) binds; loopback by default, 0.0.0.0 for"
              + " every interface");
  public static final ConfigKey<Integer> HTTP_PORT =
      ConfigKey.integer(
          "serve.http.port",
          8095,
          "Port of the HTTP endpoint: 1 to 65535, 0 = any free port, -1 = no HTTP endpoint");
  public static final ConfigKey<Integer> HTTP_MAX_BODY_BYTES =
      ConfigKey.integer(
          "serve.http.max.body.bytes",
          1 << 20,
          "Largest HTTP request body read, in bytes (1024 to 67108864); a larger one is answered"
              + " 413");

  public static final ConfigKey<String> TOKEN =
      ConfigKey.string(
          "serve.token",
          "",
          "Access token every POST /predict must carry (Authorization: Bearer <token>, or HTTP"
              + " Basic with the token as the password); empty = none, 401 otherwise");

  public static final ConfigKey<Integer> DRIFT_WINDOW =
      ConfigKey.integer(
          "serve.drift.window",
          1000,
          "Served requests per input-drift window: each input column's PSI against the training"
              + " reference is computed over every window of this many requests (100 to"
              + " 10000000)");
  public static final ConfigKey<Double> DRIFT_PSI_THRESHOLD =
      ConfigKey.decimal(
          "serve.drift.psi.threshold",
          0.25,
          "PSI above which an input column counts as drifted in a window: a RetrainRequest"
              + " (INPUT_DRIFT, detector psi) goes to control, at most once per column per window"
              + " (greater than 0)");

  public static final int MIN_DRIFT_WINDOW = 100;
  public static final int MAX_DRIFT_WINDOW = 10_000_000;
  public static final int MAX_MAX_POLL_RECORDS = 100_000;
  public static final int MIN_BODY_BYTES = 1024;
  public static final int MAX_BODY_BYTES = 64 << 20;

  public static final List<ConfigKey<?>> KEYS = keys();

  private static List<ConfigKey<?>> keys() {
    List<ConfigKey<?>> keys = new ArrayList<>(CommonKeys.ALL);
    keys.addAll(
        List.of(
            MODEL_STORE,
            CONSUMER_GROUP,
            POLL_TIMEOUT_MS,
            MAX_POLL_RECORDS,
            SHADOW_REQUESTS,
            HTTP_HOST,
            HTTP_PORT,
            HTTP_MAX_BODY_BYTES,
            TOKEN,
            DRIFT_WINDOW,
            DRIFT_PSI_THRESHOLD,
            CommonKeys.SHUTDOWN_TIMEOUT_MS));
    return List.copyOf(keys);
  }

  public ServeConfig {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(spec, "spec");
    if (consumerGroup == null || consumerGroup.isBlank()) {
      throw ConfigException.invalid(CONSUMER_GROUP, consumerGroup, "must not be blank");
    }
    if (modelStore == null) {
      throw ConfigException.invalid(MODEL_STORE, null, "must be a directory");
    }
    if (pollTimeout == null || pollTimeout.toMillis() < 1) {
      throw ConfigException.invalid(
          POLL_TIMEOUT_MS, pollTimeout == null ? null : pollTimeout.toMillis(), "at least 1 ms");
    }
    if (maxPollRecords < 1 || maxPollRecords > MAX_MAX_POLL_RECORDS) {
      throw ConfigException.invalid(
          MAX_POLL_RECORDS, maxPollRecords, "must be 1 to " + MAX_MAX_POLL_RECORDS);
    }
    if (shadowRequests < 0) {
      throw ConfigException.invalid(SHADOW_REQUESTS, shadowRequests, "must be at least 0");
    }
    if (httpHost == null || httpHost.isBlank()) {
      throw ConfigException.invalid(HTTP_HOST, httpHost, "must be a host name or address");
    }
    if (httpPort < -1 || httpPort > 65535) {
      throw ConfigException.invalid(
          HTTP_PORT, httpPort, "must be 1 to 65535, 0 (any free port) or -1 (off)");
    }
    token = token == null || token.isBlank() ? null : token;
    if (httpMaxBodyBytes < MIN_BODY_BYTES || httpMaxBodyBytes > MAX_BODY_BYTES) {
      throw ConfigException.invalid(
          HTTP_MAX_BODY_BYTES,
          httpMaxBodyBytes,
          "must be " + MIN_BODY_BYTES + " to " + MAX_BODY_BYTES);
    }
    if (driftWindow < MIN_DRIFT_WINDOW || driftWindow > MAX_DRIFT_WINDOW) {
      throw ConfigException.invalid(
          DRIFT_WINDOW,
          driftWindow,
          "must be " + MIN_DRIFT_WINDOW + " to " + MAX_DRIFT_WINDOW + " (PSI over fewer is noise)");
    }
    if (!(driftPsiThreshold > 0) || Double.isInfinite(driftPsiThreshold)) {
      throw ConfigException.invalid(
          DRIFT_PSI_THRESHOLD, driftPsiThreshold, "must be a number greater than 0");
    }
    CommonKeys.checkShutdownTimeout(shutdownTimeout);
  }

  /** Reads every key, loads the pipeline spec named by {@code pipeline.spec}. */
  public static ServeConfig from(ConfigSource source) {
    KafkaConnection kafka = KafkaConnection.from(source);
    Path store = Path.of(source.get(MODEL_STORE));
    String group = source.get(CONSUMER_GROUP);
    long pollMs = source.get(POLL_TIMEOUT_MS);
    int maxPollRecords = source.get(MAX_POLL_RECORDS);
    int shadow = source.get(SHADOW_REQUESTS);
    String host = source.get(HTTP_HOST);
    int port = source.get(HTTP_PORT);
    int maxBody = source.get(HTTP_MAX_BODY_BYTES);
    String token = source.get(TOKEN);
    int driftWindow = source.get(DRIFT_WINDOW);
    double driftThreshold = source.get(DRIFT_PSI_THRESHOLD);
    Duration shutdownTimeout = CommonKeys.shutdownTimeout(source);
    source.rejectUnknown(KEYS);
    if (pollMs < 1) {
      throw ConfigException.invalid(POLL_TIMEOUT_MS, pollMs, "must be at least 1 ms");
    }
    PipelineSpec spec = CommonKeys.loadPipelineSpec(source);
    return new ServeConfig(
        kafka,
        spec,
        group,
        store,
        Duration.ofMillis(pollMs),
        maxPollRecords,
        shadow,
        host,
        port,
        maxBody,
        token,
        driftWindow,
        driftThreshold,
        shutdownTimeout);
  }

  /** For a spec held in memory, with default settings over the model store at {@code store}. */
  public static ServeConfig of(KafkaConnection kafka, PipelineSpec spec, Path store) {
    return new ServeConfig(
        kafka,
        spec,
        CONSUMER_GROUP.defaultValue(),
        store,
        Duration.ofMillis(POLL_TIMEOUT_MS.defaultValue()),
        MAX_POLL_RECORDS.defaultValue(),
        SHADOW_REQUESTS.defaultValue(),
        HTTP_HOST.defaultValue(),
        HTTP_PORT.defaultValue(),
        HTTP_MAX_BODY_BYTES.defaultValue(),
        null,
        DRIFT_WINDOW.defaultValue(),
        DRIFT_PSI_THRESHOLD.defaultValue(),
        Duration.ofMillis(CommonKeys.SHUTDOWN_TIMEOUT_MS.defaultValue()));
  }

  public ServeConfig withConsumerGroup(String group) {
    return with(f -> f.consumerGroup = group);
  }

  public ServeConfig withShadowRequests(int requests) {
    return with(f -> f.shadowRequests = requests);
  }

  public ServeConfig withMaxPollRecords(int records) {
    return with(f -> f.maxPollRecords = records);
  }

  /** The HTTP endpoint on {@code port} (0 = any free port, -1 = off). */
  public ServeConfig withHttpPort(int port) {
    return with(f -> f.httpPort = port);
  }

  public ServeConfig withHttpMaxBodyBytes(int bytes) {
    return with(f -> f.httpMaxBodyBytes = bytes);
  }

  /** {@code POST /predict} with {@code token} required (null or blank: none). */
  public ServeConfig withToken(String token) {
    return with(f -> f.token = token);
  }

  /** Input-drift windows of {@code window} served requests, flagged above {@code threshold}. */
  public ServeConfig withDrift(int window, double threshold) {
    return with(
        f -> {
          f.driftWindow = window;
          f.driftPsiThreshold = threshold;
        });
  }

  /** A copy of this config with what {@code change} sets; validated as any other. */
  private ServeConfig with(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return f.build();
  }

  /** A config's fields, changeable: each {@code with...} method sets one or two of them. */
  private static final class Fields {
    private KafkaConnection kafka;
    private PipelineSpec spec;
    private String consumerGroup;
    private Path modelStore;
    private Duration pollTimeout;
    private int maxPollRecords;
    private int shadowRequests;
    private String httpHost;
    private int httpPort;
    private int httpMaxBodyBytes;
    private String token;
    private int driftWindow;
    private double driftPsiThreshold;
    private Duration shutdownTimeout;

    Fields(ServeConfig config) {
      kafka = config.kafka;
      spec = config.spec;
      consumerGroup = config.consumerGroup;
      modelStore = config.modelStore;
      pollTimeout = config.pollTimeout;
      maxPollRecords = config.maxPollRecords;
      shadowRequests = config.shadowRequests;
      httpHost = config.httpHost;
      httpPort = config.httpPort;
      httpMaxBodyBytes = config.httpMaxBodyBytes;
      token = config.token;
      driftWindow = config.driftWindow;
      driftPsiThreshold = config.driftPsiThreshold;
      shutdownTimeout = config.shutdownTimeout;
    }

    ServeConfig build() {
      return new ServeConfig(
          kafka,
          spec,
          consumerGroup,
          modelStore,
          pollTimeout,
          maxPollRecords,
          shadowRequests,
          httpHost,
          httpPort,
          httpMaxBodyBytes,
          token,
          driftWindow,
          driftPsiThreshold,
          shutdownTimeout);
    }
  }

  /** Never prints the token. */
  @Override
  public String toString() {
    return "ServeConfig[modelId="
        + spec.name()
        + ", consumerGroup="
        + consumerGroup
        + ", modelStore="
        + modelStore
        + ", http="
        + httpHost
        + ":"
        + httpPort
        + ", httpMaxBodyBytes="
        + httpMaxBodyBytes
        + ", token="
        + (token == null ? "none" : "set")
        + ", maxPollRecords="
        + maxPollRecords
        + ", shadowRequests="
        + shadowRequests
        + "]";
  }

  /** The model id served: the pipeline spec's name, as the trainer names its versions. */
  public String modelId() {
    return spec.name();
  }
}
