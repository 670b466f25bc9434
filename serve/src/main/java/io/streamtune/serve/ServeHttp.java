package io.streamtune.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamtune.common.http.HttpGuard;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /predict} on the JDK's HTTP server behind the common {@link HttpGuard} (the access
 * token when {@code serve.token} is set, POST only, the body bounded by {@code
 * serve.http.max.body.bytes}; refusals as JSON errors), handing the accepted body to the service's
 * answer; everything else about a request is the service's.
 */
final class ServeHttp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServeHttp.class);

  /** What the endpoint answers: a status and a JSON body. */
  record Answer(int status, byte[] body) {}

  /** The service's side: a bounded body in, an answer out. */
  @FunctionalInterface
  interface Handler {
    Answer answer(byte[] body, long arrivalNanos);
  }

  private final HttpServer server;
  private final ExecutorService executor;

  /**
   * @param token the access token every request must carry (401 otherwise); null for none
   */
  ServeHttp(String host, int port, int maxBodyBytes, String token, int threads, Handler handler)
      throws IOException {
    this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
    AtomicInteger count = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread thread = new Thread(r, "serve-http-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    HttpGuard guard =
        new HttpGuard(
            "streamtune serve",
            token,
            false,
            Set.of("POST"),
            maxBodyBytes,
            (exchange, status, message) -> respond(exchange, new Answer(status, error(message))));
    guard.guard(
        server.createContext(
            "/predict",
            exchange -> {
              try (exchange) {
                long arrival = System.nanoTime();
                if (!"/predict".equals(exchange.getRequestURI().getPath())) {
                  respond(exchange, new Answer(404, error("no such path")));
                  return;
                }
                respond(exchange, handler.answer(HttpGuard.body(exchange), arrival));
              } catch (IOException | RuntimeException e) {
                LOG.warn("HTTP request failed: {}", e.toString());
                if (exchange.getResponseCode() == -1) {
                  // nothing was sent yet: the caller gets an answer rather than a dropped
                  // connection
                  try {
                    respond(exchange, new Answer(500, error("internal error: " + e.getMessage())));
                  } catch (IOException | RuntimeException again) {
                    LOG.warn("could not answer the failed HTTP request: {}", again.toString());
                  }
                }
              }
            }));
    server.start();
  }

  private static byte[] error(String message) {
    return HttpRequests.errorJson(message, null, null);
  }

  private static void respond(HttpExchange exchange, Answer answer) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(answer.status(), answer.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(answer.body());
    }
  }

  /** The port bound (the free one chosen for port 0). */
  int port() {
    return server.getAddress().getPort();
  }

  String url() {
    return "http://" + server.getAddress().getHostString() + ":" + port() + "/predict";
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
