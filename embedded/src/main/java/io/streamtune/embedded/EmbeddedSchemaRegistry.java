package io.streamtune.embedded;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamtune.common.http.HttpGuard;
import io.streamtune.embedded.registry.KafkaRegistryStorage;
import io.streamtune.embedded.registry.RegistryRestApi;
import io.streamtune.embedded.registry.RegistryRestApi.RestResponse;
import io.streamtune.embedded.registry.SchemaRegistryService;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Confluent-compatible schema registry (Avro only) served over HTTP on 127.0.0.1, storing its
 * state in a compacted Kafka topic so a restart on the same broker serves the same schema ids.
 * Point the Confluent client and serializers at {@link #url()}.
 *
 * <p>Only one registry may write to a storage topic at a time.
 *
 * <p>Checked by {@link HttpGuard}, as the dashboard and {@code /metrics} are: a request body over
 * the size limit (default {@value #DEFAULT_MAX_REQUEST_BYTES} bytes) is refused with 413 without
 * being read into memory. With an access token configured, every request must carry {@code
 * Authorization: Bearer <token>} or HTTP Basic with the token as the password (what the Confluent
 * client sends for {@code bearer.auth.credentials.source=STATIC_TOKEN} and {@code
 * basic.auth.credentials.source=USER_INFO}); anything else gets 401.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

  public static final String DEFAULT_STORAGE_TOPIC = "_schemas";

  /** The largest request body accepted by default: 1 MiB (a schema is a few KiB). */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 1 << 20;

  private static final String REALM = "streamtune-schema-registry";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
  private static final Duration STORAGE_TIMEOUT = Duration.ofSeconds(30);
  private static final int HANDLER_THREADS = 4;

  private final HttpServer server;
  private final ExecutorService handlers;
  private final KafkaRegistryStorage storage;
  private final String url;
  private boolean closed;

  private EmbeddedSchemaRegistry(
      HttpServer server, ExecutorService handlers, KafkaRegistryStorage storage) {
    this.server = server;
    this.handlers = handlers;
    this.storage = storage;
    this.url = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Starts a registry on a free port, stored in topic {@value #DEFAULT_STORAGE_TOPIC}. */
  public static EmbeddedSchemaRegistry start(String bootstrapServers) {
    return start(bootstrapServers, 0, DEFAULT_STORAGE_TOPIC);
  }

  /**
   * Starts a registry; the storage topic is created (compacted) if missing, otherwise replayed.
   *
   * @param port the HTTP port, or 0 for a free one
   */
  public static EmbeddedSchemaRegistry start(
      String bootstrapServers, int port, String storageTopic) {
    return start(bootstrapServers, port, storageTopic, null, DEFAULT_MAX_REQUEST_BYTES);
  }

  /**
   * Starts a registry; the storage topic is created (compacted) if missing, otherwise replayed.
   *
   * @param port the HTTP port, or 0 for a free one
   * @param accessToken the token every request must carry (Bearer, or Basic with it as the
   *     password), or null/blank for none (loopback only, no authentication)
   * @param maxRequestBytes the largest request body accepted; a larger one gets 413
   */
  public static EmbeddedSchemaRegistry start(
      String bootstrapServers,
      int port,
      String storageTopic,
      String accessToken,
      int maxRequestBytes) {
    if (maxRequestBytes < 1) {
      throw new IllegalArgumentException("maxRequestBytes must be positive: " + maxRequestBytes);
    }
    HttpGuard guard =
        new HttpGuard(
            REALM,
            accessToken,
            false,
            Set.of("GET", "POST", "PUT", "DELETE"),
            maxRequestBytes,
            (exchange, status, message) -> send(exchange, status, errorBody(status, message)));
    KafkaRegistryStorage storage =
        KafkaRegistryStorage.open(bootstrapServers, storageTopic, STORAGE_TIMEOUT);
    ExecutorService handlers = null;
    try {
      RegistryRestApi api = new RegistryRestApi(new SchemaRegistryService(storage));
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
      guard.guard(server.createContext("/", exchange -> respond(api, exchange)));
      handlers = Executors.newFixedThreadPool(HANDLER_THREADS, daemonThreads());
      server.setExecutor(handlers);
      server.start();
      EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(server, handlers, storage);
      LOG.info(
          "Embedded schema registry at {} (storage topic {} on {}, {})",
          registry.url,
          storageTopic,
          bootstrapServers,
          guard.requiresToken() ? "access token required" : "no access token");
      return registry;
    } catch (IOException | RuntimeException e) {
      if (handlers != null) {
        handlers.shutdownNow();
      }
      storage.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot start the schema registry on port " + port, io);
      }
      throw (RuntimeException) e;
    }
  }

  private static void respond(RegistryRestApi api, HttpExchange exchange) throws IOException {
    try (exchange) {
      RestResponse response =
          api.handle(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath(),
              exchange.getRequestURI().getRawQuery(),
              new String(HttpGuard.body(exchange), StandardCharsets.UTF_8));
      send(exchange, response.status(), response.body());
    }
  }

  private static String errorBody(int code, String message) {
    return RegistryRestApi.errorResponse(code, message).body();
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", RegistryRestApi.CONTENT_TYPE);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "schema-registry-http-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    return url;
  }

  /** Stops serving and closes the storage producer. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    handlers.shutdown();
    try {
      if (!handlers.awaitTermination(5, TimeUnit.SECONDS)) {
        handlers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      handlers.shutdownNow();
    }
    storage.close();
    LOG.info("Embedded schema registry at {} stopped", url);
  }
}
