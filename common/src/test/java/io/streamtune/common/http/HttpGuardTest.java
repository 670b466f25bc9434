package io.streamtune.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The checks every streamtune HTTP endpoint has, over raw HTTP against a JDK server. */
class HttpGuardTest {

  private static final String TOKEN = "s3cret-Token";

  private static final int REQUESTS = 4;

  private final HttpClient http = HttpClient.newHttpClient();
  private HttpServer server;

  /** A server echoing the size of the body the guard handed on. */
  private String serve(HttpGuard guard) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    guard.guard(
        server.createContext(
            "/",
            exchange -> {
              try (exchange) {
                byte[] reply =
                    ("got " + HttpGuard.body(exchange).length).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, reply.length);
                exchange.getResponseBody().write(reply);
              }
            }));
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withATokenEveryRequestNeedsItAsBearerBasicOrWhereAllowedAQueryParameter() throws Exception {
    String url = serve(HttpGuard.readOnly("test", TOKEN, true));

    HttpResponse<String> none = send(HttpRequest.newBuilder(URI.create(url)));
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().allValues("WWW-Authenticate"))
        .containsExactlyInAnyOrder("Basic realm=\"test\"", "Bearer realm=\"test\"");
    assertThat(
            send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + TOKEN + "x"))
                .statusCode())
        .isEqualTo(401);
    assertThat(send(HttpRequest.newBuilder(URI.create(url + "?token=wrong"))).statusCode())
        .isEqualTo(401);

    HttpResponse<String> bearer =
        send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN));
    assertThat(bearer.statusCode()).isEqualTo(200);
    assertThat(bearer.body()).isEqualTo("got 0");
    String basic =
        Base64.getEncoder().encodeToString(("anyone:" + TOKEN).getBytes(StandardCharsets.UTF_8));
    assertThat(
            send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Basic " + basic))
                .statusCode())
        .isEqualTo(200);
    assertThat(send(HttpRequest.newBuilder(URI.create(url + "?a=1&token=" + TOKEN))).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aQueryTokenIsRefusedWhereOnlyTheHeaderIsAllowed() throws Exception {
    String url = serve(HttpGuard.readOnly("test", TOKEN, false));
    assertThat(send(HttpRequest.newBuilder(URI.create(url + "?token=" + TOKEN))).statusCode())
        .isEqualTo(401);
  }

  /**
   * The JDK server keeps an exchange's attributes in its context, shared by every request on it: a
   * body handed on that way reached whichever request read it last (the dead-letter schema
   * registered under the examples' subject in the embedded registry). Each request must get its own
   * body.
   */
  @Test
  void concurrentRequestsEachGetTheirOwnBody() throws Exception {
    HttpGuard guard = new HttpGuard("test", null, false, Set.of("POST"), 1024, HttpGuard::sendText);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    CountDownLatch allArrived = new CountDownLatch(REQUESTS);
    guard.guard(
        server.createContext(
            "/",
            exchange -> {
              try (exchange) {
                allArrived.countDown();
                allArrived.await(10, TimeUnit.SECONDS);
                byte[] reply = HttpGuard.body(exchange);
                exchange.sendResponseHeaders(200, reply.length);
                exchange.getResponseBody().write(reply);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }));
    ExecutorService handlers = Executors.newFixedThreadPool(REQUESTS);
    server.setExecutor(handlers);
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    try {
      List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        replies.add(
            http.sendAsync(
                HttpRequest.newBuilder(URI.create(url))
                    .POST(HttpRequest.BodyPublishers.ofString("body " + i))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      for (int i = 0; i < REQUESTS; i++) {
        assertThat(replies.get(i).get(20, TimeUnit.SECONDS).body()).isEqualTo("body " + i);
      }
    } finally {
      handlers.shutdownNow();
    }
  }

  @Test
  void withoutATokenAnyoneOnTheBoundAddressIsServed() throws Exception {
    String url = serve(HttpGuard.readOnly("test", " ", false));
    assertThat(send(HttpRequest.newBuilder(URI.create(url))).statusCode()).isEqualTo(200);
  }

  @Test
  void otherMethodsGet405NamingTheAllowedOnes() throws Exception {
    String url = serve(HttpGuard.readOnly("test", null, false));
    for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(URI.create(url))
                  .method(method, HttpRequest.BodyPublishers.ofString("x")));
      assertThat(response.statusCode()).as(method).isEqualTo(405);
      assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }
  }

  @Test
  void bodiesOverTheLimitGet413ByLengthOrWhenChunkedAndTheServerGoesOn() throws Exception {
    String url =
        serve(new HttpGuard("test", null, false, Set.of("POST"), 1_000, HttpGuard::sendText));
    byte[] small = new byte[1_000];
    byte[] big = new byte[1_001];
    assertThat(
            send(HttpRequest.newBuilder(URI.create(url))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(small)))
                .body())
        .isEqualTo("got 1000");
    HttpResponse<String> byLength =
        send(
            HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)));
    assertThat(byLength.statusCode()).isEqualTo(413);
    assertThat(byLength.body()).contains("larger than 1000 bytes");
    // no Content-Length: chunked, read up to one byte over the limit
    HttpResponse<String> chunked =
        send(
            HttpRequest.newBuilder(URI.create(url))
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(new byte[50_000]))));
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(
            send(HttpRequest.newBuilder(URI.create(url))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(small)))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void aDeclaredHugeBodyIsRefusedWithoutBeingRead() throws Exception {
    String url = serve(HttpGuard.readOnly("test", null, false));
    URI uri = URI.create(url);
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      OutputStream out = socket.getOutputStream();
      // a GET declaring 10 GB: only the headers are sent
      out.write(
          ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(status).isEqualTo("HTTP/1.1 413");
    }
  }

  @Test
  void queryParametersAreDecoded() {
    assertThat(HttpGuard.queryParameter("a=1&token=x%2By%20z", "token")).isEqualTo("x+y z");
    assertThat(HttpGuard.queryParameter("tokens=1", "token")).isNull();
    assertThat(HttpGuard.queryParameter(null, "token")).isNull();
    assertThat(HttpGuard.queryParameter("token=%zz", "token")).isNull();
  }
}
