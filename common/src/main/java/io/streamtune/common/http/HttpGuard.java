package io.streamtune.common.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What every streamtune HTTP endpoint (the embedded registry, the dashboard, each service's {@code
 * /metrics}) checks before its handler runs, as a filter on its contexts: the access token when one
 * is configured (401 with a challenge otherwise), the method (405 with {@code Allow}), and the
 * request body's size (413 above the limit: by its Content-Length without reading it, else after
 * reading at most one byte more than the limit). An accepted body is read here and handed to the
 * handler by {@link #body}.
 *
 * <p>The token is accepted as {@code Authorization: Bearer <token>}, as HTTP Basic with the token
 * as the password (what the Confluent client sends), and where allowed as a {@code token} query
 * parameter (a browser's {@code EventSource} cannot set a header). It is compared as a SHA-256
 * digest with {@link MessageDigest#isEqual}: in constant time, whatever the lengths.
 */
public final class HttpGuard extends Filter {

  /** The methods of an endpoint that only serves. */
  public static final Set<String> READ_ONLY = Set.of("GET", "HEAD");

  /** The largest body a read-only endpoint accepts: requests that need none are still let in. */
  public static final int READ_ONLY_MAX_REQUEST_BYTES = 8 * 1024;

  /** How much of a refused body is read and dropped before the connection is closed instead. */
  private static final long DISCARD_LIMIT_BYTES = 64L << 20;

  /** How a refusal is written: a JSON error for the registry, plain text elsewhere. */
  @FunctionalInterface
  public interface Refusal {
    void send(HttpExchange exchange, int status, String message) throws IOException;
  }

  private final String realm;
  private final byte[] tokenDigest;
  private final boolean queryToken;
  private final Set<String> methods;
  private final int maxRequestBytes;
  private final Refusal refusal;

  /**
   * @param realm named in the challenge of a 401
   * @param token the token every request must carry; null or blank for none
   * @param queryToken whether {@code ?token=} is accepted besides the header
   * @param methods the methods served; any other gets 405
   * @param maxRequestBytes the largest request body accepted; a larger one gets 413
   * @param refusal writes the refusals' bodies
   */
  public HttpGuard(
      String realm,
      String token,
      boolean queryToken,
      Set<String> methods,
      int maxRequestBytes,
      Refusal refusal) {
    if (maxRequestBytes < 0) {
      throw new IllegalArgumentException(
          "maxRequestBytes must not be negative: " + maxRequestBytes);
    }
    this.realm = realm;
    this.tokenDigest = token == null || token.isBlank() ? null : sha256(token);
    this.queryToken = queryToken;
    this.methods = Set.copyOf(methods);
    this.maxRequestBytes = maxRequestBytes;
    this.refusal = refusal;
  }

  /** A read-only endpoint's guard: GET and HEAD, bodies up to 8 KiB, plain-text refusals. */
  public static HttpGuard readOnly(String realm, String token, boolean queryToken) {
    return new HttpGuard(
        realm, token, queryToken, READ_ONLY, READ_ONLY_MAX_REQUEST_BYTES, HttpGuard::sendText);
  }

  /** Guards {@code context}; returns it. */
  public HttpContext guard(HttpContext context) {
    context.getFilters().add(this);
    return context;
  }

  /** Whether a token is required. */
  public boolean requiresToken() {
    return tokenDigest != null;
  }

  @Override
  public String description() {
    return "streamtune access token, method and request-size checks";
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    if (tokenDigest != null && !authorized(exchange)) {
      exchange
          .getResponseHeaders()
          .put(
              "WWW-Authenticate",
              List.of("Basic realm=\"" + realm + "\"", "Bearer realm=\"" + realm + "\""));
      refuse(exchange, 401, "Unauthorized: this endpoint needs its access token");
      return;
    }
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    if (!methods.contains(method)) {
      exchange.getResponseHeaders().set("Allow", String.join(", ", new TreeSet<>(methods)));
      refuse(exchange, 405, "Method " + method + " not allowed");
      return;
    }
    byte[] body = readBody(exchange, maxRequestBytes);
    if (body == null) {
      // a body declared over what is drained is not waited for: refused at once, then closed
      if (declaredLength(exchange) > DISCARD_LIMIT_BYTES || !discardRest(exchange)) {
        exchange.getResponseHeaders().set("Connection", "close");
      }
      refuse(exchange, 413, "Request body larger than " + maxRequestBytes + " bytes refused");
      return;
    }
    // handed on as the exchange's own request stream: the JDK server keeps an exchange's
    // attributes in its context, shared by concurrent requests, which then read each other's body
    exchange.setStreams(new GuardedBody(body), null);
    chain.doFilter(exchange);
  }

  /** The request body this guard accepted (empty when there was none). */
  public static byte[] body(HttpExchange exchange) {
    if (!(exchange.getRequestBody() instanceof GuardedBody body)) {
      throw new IllegalStateException("the request did not pass an HttpGuard");
    }
    return body.bytes();
  }

  /** A request body the guard read whole and accepted, as the exchange's request stream. */
  private static final class GuardedBody extends java.io.ByteArrayInputStream {
    GuardedBody(byte[] bytes) {
      super(bytes);
    }

    /** The whole body, wherever a reader of the stream has got to. */
    byte[] bytes() {
      return buf;
    }
  }

  private void refuse(HttpExchange exchange, int status, String message) throws IOException {
    try (exchange) {
      refusal.send(exchange, status, message);
    }
  }

  private boolean authorized(HttpExchange exchange) {
    if (authorized(exchange.getRequestHeaders().getFirst("Authorization"), tokenDigest)) {
      return true;
    }
    if (!queryToken) {
      return false;
    }
    String token = queryParameter(exchange.getRequestURI().getRawQuery(), "token");
    return token != null && MessageDigest.isEqual(sha256(token), tokenDigest);
  }

  /** The first value of {@code name} in a raw query string, decoded; null when absent. */
  public static String queryParameter(String rawQuery, String name) {
    if (rawQuery == null) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      int equals = pair.indexOf('=');
      String key = equals < 0 ? pair : pair.substring(0, equals);
      if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
        try {
          return equals < 0
              ? ""
              : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
          return null;
        }
      }
    }
    return null;
  }

  /** Bearer token, or Basic with the token as the password; compared in constant time. */
  public static boolean authorized(String header, byte[] tokenDigest) {
    if (header == null) {
      return false;
    }
    String value = header.trim();
    String token = null;
    if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = value.substring(7).trim();
    } else if (value.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String userInfo =
            new String(
                Base64.getDecoder().decode(value.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = userInfo.indexOf(':');
        token = colon < 0 ? null : userInfo.substring(colon + 1);
      } catch (IllegalArgumentException notBase64) {
        return false;
      }
    }
    return token != null && MessageDigest.isEqual(sha256(token), tokenDigest);
  }

  /** The digest tokens are compared by. */
  public static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** The request's Content-Length; -1 when it declares none or a malformed one. */
  private static long declaredLength(HttpExchange exchange) {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    try {
      return length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The request body, or null when it is over {@code maxRequestBytes}: by its Content-Length
   * without reading it, else after reading at most one byte more than the limit.
   */
  private static byte[] readBody(HttpExchange exchange, int maxRequestBytes) throws IOException {
    // a malformed length (-1 here) the server itself rejects; read within the limit below
    if (declaredLength(exchange) > maxRequestBytes) {
      return null;
    }
    // not closed here (closing drains only a little, then drops a connection still sending);
    // closing the exchange closes it
    byte[] bytes = exchange.getRequestBody().readNBytes(maxRequestBytes + 1);
    return bytes.length > maxRequestBytes ? null : bytes;
  }

  /**
   * Reads and drops the rest of a refused body, up to {@value #DISCARD_LIMIT_BYTES} bytes, so the
   * client, still sending, gets the 413 instead of a reset connection. False if more was left.
   */
  private static boolean discardRest(HttpExchange exchange) {
    try {
      InputStream in = exchange.getRequestBody();
      byte[] buffer = new byte[16 * 1024];
      long discarded = 0;
      int read;
      while ((read = in.read(buffer)) >= 0) {
        discarded += read;
        if (discarded > DISCARD_LIMIT_BYTES) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A plain-text refusal. */
  public static void sendText(HttpExchange exchange, int status, String message)
      throws IOException {
    byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    if (exchange.getRequestMethod().equalsIgnoreCase("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
