package io.streamtune.dashboard.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamtune.common.http.HttpGuard;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Serves the dashboard: the page ({@code /}), the chart library from its WebJar on the classpath
 * ({@code /webjars/...}, so the page needs no CDN at run time), the state as JSON ({@code
 * /api/snapshot}), a server-sent event stream ({@code /api/events}) that pushes a new snapshot
 * whenever {@link DashboardState#revision()} moves, and the augmentation gallery's images as PNG
 * ({@code /api/gallery?id=...}).
 *
 * <p>Every route is behind the {@link HttpGuard} the registry and {@code /metrics} have: GET and
 * HEAD only (405), request bodies over 8 KiB refused (413), and with {@code dashboard.token} set,
 * the token on every request (401): as {@code Authorization: Bearer}, or as {@code ?token=}, which
 * the page passes on to its own requests (a browser's {@code EventSource} cannot set a header).
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver}, the server Prometheus' exporter already
 * runs every service's {@code /metrics} on: four GET routes and one event stream need no Javalin,
 * which would bring Jetty and Kotlin's standard library onto the launcher's classpath.
 */
public final class DashboardServer implements AutoCloseable {

  /** How often an open event stream checks the state for a new revision. */
  static final Duration PUSH_INTERVAL = Duration.ofMillis(500);

  /** An SSE comment this often keeps idle streams (and proxies in between) open. */
  static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private static final String PAGE = "/io/streamtune/dashboard/web/index.html";
  private static final String WEBJARS = "/META-INF/resources";
  private static final String CHART_JS = "/webjars/chart.js/4.4.1/dist/chart.umd.js";
  private static final Map<String, String> CONTENT_TYPES =
      Map.of(
          ".html", "text/html; charset=utf-8",
          ".js", "text/javascript; charset=utf-8",
          ".css", "text/css; charset=utf-8",
          ".map", "application/json");

  private final DashboardState state;
  private final HttpServer server;
  private final ExecutorService executor;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicBoolean open = new AtomicBoolean(true);

  /** A snapshot as JSON, with the revision it shows. */
  private record Serialised(long revision, byte[] json) {}

  /** The newest snapshot serialised: every viewer of one revision is sent the same bytes. */
  private final AtomicReference<Serialised> serialised = new AtomicReference<>();

  private final AtomicLong serialisations = new AtomicLong();

  private DashboardServer(DashboardState state, DashboardSettings settings) {
    this.state = state;
    try {
      this.server =
          HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve the dashboard on "
              + settings.bindAddress()
              + ":"
              + settings.port()
              + " (dashboard.port, dashboard.bind.address)",
          e);
    }
    // each open event stream holds a thread: a cached pool grows with the browsers watching
    this.executor = Executors.newCachedThreadPool(daemonThreads());
    server.setExecutor(executor);
    HttpGuard guard = HttpGuard.readOnly("streamtune-dashboard", settings.token(), true);
    guard.guard(server.createContext("/api/snapshot", this::snapshot));
    guard.guard(server.createContext("/api/events", this::events));
    guard.guard(server.createContext("/api/gallery", this::galleryImage));
    guard.guard(server.createContext("/webjars/", this::webjar));
    guard.guard(server.createContext("/", this::page));
    server.start();
  }

  /**
   * Starts serving {@code state}.
   *
   * @throws UncheckedIOException naming the address and keys when the port cannot be bound
   */
  public static DashboardServer start(DashboardState state, DashboardSettings settings) {
    return new DashboardServer(state, settings);
  }

  /** The bound port (the free one picked when the settings asked for 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port/}. */
  public String url() {
    return "http://" + server.getAddress().getHostString() + ":" + port() + "/";
  }

  private void page(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestURI().getPath().equals("/")) {
      notFound(exchange);
      return;
    }
    String token = HttpGuard.queryParameter(exchange.getRequestURI().getRawQuery(), "token");
    try (exchange;
        InputStream in = DashboardServer.class.getResourceAsStream(PAGE)) {
      String page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (token != null) {
        // the chart library's request needs the token too; URL-encoded, it is safe in an attribute
        page =
            page.replace(
                CHART_JS, CHART_JS + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
      }
      byte[] body = page.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType(PAGE));
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private void webjar(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    // the classpath lookup below must stay inside the WebJar folder
    if (path.contains("..")) {
      notFound(exchange);
      return;
    }
    resource(exchange, WEBJARS + path);
  }

  private void resource(HttpExchange exchange, String classpathName) throws IOException {
    try (exchange;
        InputStream in = DashboardServer.class.getResourceAsStream(classpathName)) {
      if (in == null) {
        notFound(exchange);
        return;
      }
      byte[] body = in.readAllBytes();
      exchange.getResponseHeaders().set("Content-Type", contentType(classpathName));
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private void galleryImage(HttpExchange exchange) throws IOException {
    String id = HttpGuard.queryParameter(exchange.getRequestURI().getRawQuery(), "id");
    byte[] png = id == null ? null : state.gallery().png(id);
    if (png == null) {
      notFound(exchange);
      return;
    }
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", "image/png");
      // an id names one image for good: the page redraws the gallery without fetching it again
      exchange.getResponseHeaders().set("Cache-Control", "private, max-age=3600, immutable");
      exchange.sendResponseHeaders(200, png.length);
      exchange.getResponseBody().write(png);
    }
  }

  private void snapshot(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = serialisedSnapshot().json();
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private void events(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      long sent = -1;
      long lastWrite = System.nanoTime();
      while (open.get()) {
        if (state.revision() != sent) {
          Serialised snapshot = serialisedSnapshot();
          out.write(DATA);
          out.write(snapshot.json());
          out.write(EVENT_END);
          out.flush();
          sent = snapshot.revision();
          lastWrite = System.nanoTime();
        } else if (System.nanoTime() - lastWrite > KEEP_ALIVE.toNanos()) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
          lastWrite = System.nanoTime();
        }
        Thread.sleep(PUSH_INTERVAL.toMillis());
      }
    } catch (IOException e) {
      // the browser went away: its stream ends here, the server goes on
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.UTF_8);
  private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.UTF_8);

  /**
   * The state's snapshot as JSON, serialised once per revision however many pages watch; two
   * threads that find it stale at once may both serialise it, and either result is the same.
   */
  private Serialised serialisedSnapshot() throws IOException {
    Serialised cached = serialised.get();
    if (cached != null && cached.revision() == state.revision()) {
      return cached;
    }
    Map<String, Object> snapshot = state.snapshot();
    serialisations.incrementAndGet();
    Serialised fresh =
        new Serialised((Long) snapshot.get("revision"), json.writeValueAsBytes(snapshot));
    serialised.accumulateAndGet(
        fresh, (old, now) -> old != null && old.revision() > now.revision() ? old : now);
    return fresh;
  }

  /** How many times a snapshot was serialised, for the test that viewers share them. */
  long serialisations() {
    return serialisations.get();
  }

  private static void notFound(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.sendResponseHeaders(404, -1);
    }
  }

  private static String contentType(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0
        ? "application/octet-stream"
        : CONTENT_TYPES.getOrDefault(name.substring(dot), "application/octet-stream");
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    return runnable -> {
      Thread thread = new Thread(runnable, "streamtune-dashboard-http");
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    open.set(false);
    server.stop(0);
    executor.shutdownNow();
  }
}
