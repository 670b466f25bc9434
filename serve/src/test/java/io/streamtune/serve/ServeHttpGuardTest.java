package io.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /predict} behind the common HttpGuard, spoken to in raw HTTP/1.1. */
class ServeHttpGuardTest {

  private static final int MAX_BODY = 1024;

  private final AtomicInteger answered = new AtomicInteger();
  private ServeHttp http;

  @BeforeEach
  void open() throws IOException {
    http =
        new ServeHttp(
            "127.0.0.1",
            0,
            MAX_BODY,
            "s3cret",
            2,
            (body, arrival) -> {
              answered.incrementAndGet();
              return new ServeHttp.Answer(
                  200, ("{\"bytes\": " + body.length + "}").getBytes(StandardCharsets.UTF_8));
            });
  }

  @AfterEach
  void close() {
    http.close();
  }

  @Test
  void aRequestWithoutTheTokenIsRefusedBeforeItsBodyIsHandled() throws IOException {
    String response = exchange(post("{}", null));

    assertThat(response)
        .startsWith("HTTP/1.1 401")
        .contains("Bearer realm=\"streamtune serve\"")
        .contains("application/json")
        .contains("\"error\"");
    assertThat(exchange(post("{}", "Bearer wrong"))).startsWith("HTTP/1.1 401");
    assertThat(answered).hasValue(0);
  }

  @Test
  void theTokenAsBearerOrBasicPasswordLetsTheBodyThrough() throws IOException {
    assertThat(exchange(post("{\"a\": 1}", "Bearer s3cret")))
        .startsWith("HTTP/1.1 200")
        .endsWith("{\"bytes\": 8}");
    String basic =
        "Basic "
            + Base64.getEncoder().encodeToString("any:s3cret".getBytes(StandardCharsets.UTF_8));
    assertThat(exchange(post("{}", basic))).startsWith("HTTP/1.1 200");
    assertThat(exchange(post("{}", null).replace("/predict", "/predict?token=s3cret")))
        .as("no query token: an API client can set a header")
        .startsWith("HTTP/1.1 401");
    assertThat(answered).hasValue(2);
  }

  @Test
  void onlyPostWithABodyWithinTheLimitIsAnswered() throws IOException {
    String get =
        exchange(
            "GET /predict HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n"
                + "Connection: close\r\n\r\n");
    assertThat(get).startsWith("HTTP/1.1 405").contains("Allow: POST");

    String declared = exchange(post("x".repeat(MAX_BODY + 1), "Bearer s3cret"));
    assertThat(declared).startsWith("HTTP/1.1 413").contains("larger than 1024 bytes");

    String chunk = "x".repeat(MAX_BODY + 1);
    String chunked =
        exchange(
            "POST /predict HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + Integer.toHexString(chunk.length())
                + "\r\n"
                + chunk
                + "\r\n0\r\n\r\n");
    assertThat(chunked).as("a body of undeclared length").startsWith("HTTP/1.1 413");

    assertThat(exchange(post("x".repeat(MAX_BODY), "Bearer s3cret")))
        .startsWith("HTTP/1.1 200")
        .endsWith("{\"bytes\": 1024}");
    assertThat(answered).hasValue(1);
  }

  private static String post(String body, String authorization) {
    return "POST /predict HTTP/1.1\r\nHost: x\r\n"
        + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
        + "Content-Type: application/json\r\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\nConnection: close\r\n\r\n"
        + body;
  }

  private String exchange(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", http.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      in.transferTo(response);
      return response.toString(StandardCharsets.UTF_8);
    }
  }
}
