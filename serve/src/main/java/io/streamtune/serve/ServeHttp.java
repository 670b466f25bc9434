package io.streamtune.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /predict} on the JDK's HTTP server: reads the body bounded (413 above the limit,
 * before reading it when the length is announced) and hands it to the service's answer; everything
 * else about a request is the service's.
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

  ServeHttp(String host, int port, int maxBodyBytes, int threads, Handler handler)
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
    server.createContext(
        "/predict",
        exchange -> {
          try (exchange) {
            long arrival = System.nanoTime();
            if (!"POST".equals(exchange.getRequestMethod())) {
              exchange.getResponseHeaders().add("Allow", "POST");
              respond(exchange, new Answer(405, error("use POST")));
              return;
            }
            if (!"/predict".equals(exchange.getRequestURI().getPath())) {
              respond(exchange, new Answer(404, error("no such path")));
              return;
            }
            byte[] body = readBounded(exchange, maxBodyBytes);
            if (body == null) {
              respond(
                  exchange, new Answer(413, error("request body over " + maxBodyBytes + " bytes")));
              return;
            }
            respond(exchange, handler.answer(body, arrival));
          } catch (IOException | RuntimeException e) {
            LOG.warn("HTTP request failed: {}", e.toString());
            if (exchange.getResponseCode() == -1) {
              // nothing was sent yet: the caller gets an answer rather than a dropped connection
              try {
                respond(exchange, new Answer(500, error("internal error: " + e.getMessage())));
              } catch (IOException | RuntimeException again) {
                LOG.warn("could not answer the failed HTTP request: {}", again.toString());
              }
            }
          }
        });
    server.start();
  }

  private static byte[] error(String message) {
    return HttpRequests.errorJson(message, null, null);
  }

  /** The body, or null when it is over {@code limit} (the rest is not read). */
  static byte[] readBounded(HttpExchange exchange, int limit) throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > limit) {
          return null;
        }
      } catch (NumberFormatException e) {
        // the JDK server refuses such a request itself; read as chunked would be
      }
    }
    InputStream in = exchange.getRequestBody();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int total = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      total += n;
      if (total > limit) {
        return null;
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
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
