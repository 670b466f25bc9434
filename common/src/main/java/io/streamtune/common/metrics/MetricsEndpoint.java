package io.streamtune.common.metrics;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.streamtune.common.http.HttpGuard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service's Prometheus registry and its {@code /metrics} HTTP endpoint (Prometheus' own
 * exporter handler, the one Micrometer's registry is built on, on the JDK's HTTP server behind the
 * {@link HttpGuard} every streamtune endpoint has: GET and HEAD only, request bodies over 8 KiB
 * refused). Every meter carries the tag {@code service=<name>}; JVM memory, GC, threads, class
 * loading, processor and uptime are exported from the start ({@link JvmMeters}: bound once per
 * JVM). Closed with the service: the server stops, the registry leaves the JVM's meters.
 */
public final class MetricsEndpoint implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

  /** Every streamtune metric name starts with this (Prometheus naming: one namespace). */
  public static final String PREFIX = "streamtune.";

  private final String service;
  private final String bindAddress;
  private final PrometheusMeterRegistry registry;
  private final HttpServer server;
  private ExecutorService handlers;
  private final List<AutoCloseable> closeWithEndpoint = new CopyOnWriteArrayList<>();

  private MetricsEndpoint(String service, MetricsSettings settings) {
    this.service = Objects.requireNonNull(service, "service");
    this.bindAddress = settings.bindAddress();
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("service", service);
    JvmMeters.add(registry);
    this.server = settings.enabled() ? startServer(settings) : null;
  }

  /**
   * @param service the service's name, the {@code service} tag of every meter
   * @throws UncheckedIOException naming the address when the port cannot be bound
   */
  public static MetricsEndpoint start(String service, MetricsSettings settings) {
    return new MetricsEndpoint(service, settings);
  }

  private HttpServer startServer(MetricsSettings settings) {
    try {
      HttpServer http =
          HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 0);
      HttpGuard guard = HttpGuard.readOnly("streamtune-metrics", null, false);
      guard.guard(
          http.createContext("/metrics", new MetricsHandler(registry.getPrometheusRegistry())));
      // every other path: 404, after the same checks
      guard.guard(
          http.createContext(
              "/",
              exchange -> {
                try (exchange) {
                  exchange.sendResponseHeaders(404, -1);
                }
              }));
      handlers =
          Executors.newFixedThreadPool(
              2,
              runnable -> {
                Thread thread = new Thread(runnable, "streamtune-metrics-http");
                thread.setDaemon(true);
                return thread;
              });
      http.setExecutor(handlers);
      http.start();
      return http;
    } catch (IOException e) {
      JvmMeters.remove(registry);
      registry.close();
      throw new UncheckedIOException(
          "cannot serve /metrics of the "
              + service
              + " on "
              + settings.bindAddress()
              + ":"
              + settings.port()
              + " (metrics.port, metrics.bind.address)",
          e);
    }
  }

  /**
   * Binds {@code binder} (a Kafka client's metrics, which poll the client on their own schedule)
   * and closes it with this endpoint.
   */
  public <B extends MeterBinder & AutoCloseable> void bindClosing(B binder) {
    binder.bindTo(registry);
    closeWithEndpoint.add(binder);
  }

  /** Where the service's meters are registered. */
  public MeterRegistry registry() {
    return registry;
  }

  public String service() {
    return service;
  }

  /** The bound port; -1 when the endpoint is off. */
  public int port() {
    return server == null ? MetricsSettings.OFF : server.getAddress().getPort();
  }

  /** {@code http://host:port/metrics}; null when the endpoint is off. */
  public String url() {
    if (server == null) {
      return null;
    }
    String host = bindAddress.equals("0.0.0.0") ? "127.0.0.1" : bindAddress;
    return "http://" + host + ":" + port() + "/metrics";
  }

  /** The text a scrape would return now (Prometheus text format). */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    for (AutoCloseable binder : closeWithEndpoint) {
      try {
        binder.close();
      } catch (Exception e) {
        // a metrics binder that fails to stop must not keep the service from stopping
        LOG.warn("could not close metrics binder {}: {}", binder, e.toString());
      }
    }
    if (server != null) {
      server.stop(0);
      handlers.shutdownNow();
    }
    JvmMeters.remove(registry);
    registry.close();
  }

  /**
   * The JVM's meters (memory, GC, threads, class loading, processor, uptime), bound once per JVM to
   * a composite registry that every open endpoint's registry joins: each endpoint exports them
   * under its own {@code service} tag, as a deployment with one service per JVM does, while a JVM
   * running several services (the demo) has one GC listener, not one per endpoint.
   */
  static final class JvmMeters {

    private static final CompositeMeterRegistry JVM = new CompositeMeterRegistry();
    private static int bindings;
    private static JvmGcMetrics gcMetrics;

    private JvmMeters() {}

    static synchronized void add(MeterRegistry registry) {
      if (gcMetrics == null) {
        new JvmMemoryMetrics().bindTo(JVM);
        new JvmThreadMetrics().bindTo(JVM);
        new ClassLoaderMetrics().bindTo(JVM);
        new ProcessorMetrics().bindTo(JVM);
        new UptimeMetrics().bindTo(JVM);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(JVM);
        bindings++;
      }
      JVM.add(registry);
    }

    static synchronized void remove(MeterRegistry registry) {
      JVM.remove(registry);
    }

    /** How many times the JVM's meters were bound in this JVM. */
    static synchronized int bindings() {
      return bindings;
    }
  }
}
