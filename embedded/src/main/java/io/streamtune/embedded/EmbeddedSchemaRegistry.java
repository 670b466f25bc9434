package io.streamtune.embedded;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamtune.embedded.registry.KafkaRegistryStorage;
import io.streamtune.embedded.registry.RegistryRestApi;
import io.streamtune.embedded.registry.RegistryRestApi.RestResponse;
import io.streamtune.embedded.registry.SchemaRegistryService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

  public static final String DEFAULT_STORAGE_TOPIC = "_schemas";

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
    KafkaRegistryStorage storage =
        KafkaRegistryStorage.open(bootstrapServers, storageTopic, STORAGE_TIMEOUT);
    ExecutorService handlers = null;
    try {
      RegistryRestApi api = new RegistryRestApi(new SchemaRegistryService(storage));
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
      server.createContext("/", exchange -> respond(api, exchange));
      handlers = Executors.newFixedThreadPool(HANDLER_THREADS, daemonThreads());
      server.setExecutor(handlers);
      server.start();
      EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(server, handlers, storage);
      LOG.info(
          "Embedded schema registry at {} (storage topic {} on {})",
          registry.url,
          storageTopic,
          bootstrapServers);
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
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      RestResponse response =
          api.handle(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath(),
              exchange.getRequestURI().getRawQuery(),
              body);
      byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", RegistryRestApi.CONTENT_TYPE);
      exchange.sendResponseHeaders(response.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
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
