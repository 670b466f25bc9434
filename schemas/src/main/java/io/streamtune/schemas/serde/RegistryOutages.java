package io.streamtune.schemas.serde;

import io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.ThrottlingQuotaExceededException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Tells a schema-registry outage from a bad record, and waits an outage out.
 *
 * <p>A record whose bytes are not Avro, or name a schema id the registry does not know (404), is
 * the record's fault: it is dead-lettered. A registry that cannot be reached, refuses the client
 * (401, 403), throttles it (429) or fails (5xx) says nothing about the record; dead-lettering then
 * turned good records into dead letters for as long as the outage lasted, and the trainer committed
 * past them.
 */
public final class RegistryOutages {

  private RegistryOutages() {}

  /** An outage that outlasted the retries: the record was neither decoded nor dead-lettered. */
  public static final class RegistryUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    RegistryUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Whether {@code failure} (a deserializer's exception) is an outage rather than bad input. */
  public static boolean isOutage(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getClass().getName().startsWith("java.net.")) {
        return true;
      }
      // Confluent's deserializer turns 401, 403, 429, 408/5xx and 502 into these Kafka errors
      // (AbstractKafkaSchemaSerDe.toKafkaException), 429 without the REST error as its cause
      if (t instanceof AuthenticationException
          || t instanceof AuthorizationException
          || t instanceof ThrottlingQuotaExceededException
          || t instanceof TimeoutException
          || t instanceof DisconnectException) {
        return true;
      }
      if (t instanceof RestClientException rest) {
        int status = rest.getStatus();
        return status == 401 || status == 403 || status == 408 || status == 429 || status >= 500;
      }
    }
    return false;
  }

  /** How long to keep retrying, and how to wait between tries (a test passes a fake). */
  public record Retry(Duration giveUpAfter, Duration firstWait, Duration maxWait, Sleeper sleeper) {

    /** Waits between tries; interruptible. */
    @FunctionalInterface
    public interface Sleeper {
      void sleep(Duration duration) throws InterruptedException;
    }

    public static Retry of(Duration giveUpAfter) {
      return new Retry(
          giveUpAfter,
          Duration.ofMillis(100),
          Duration.ofSeconds(5),
          duration -> Thread.sleep(duration.toMillis()));
    }
  }

  /**
   * Runs {@code decode}, retrying with doubling waits while it fails with an outage; any other
   * failure is thrown at once (the caller dead-letters it).
   *
   * @throws RegistryUnavailableException when the outage outlasts {@code retry.giveUpAfter()}, or
   *     the thread is interrupted while waiting
   */
  public static <T> T decode(Supplier<T> decode, Retry retry, String what) {
    long waitedNanos = 0;
    Duration wait = retry.firstWait();
    while (true) {
      try {
        return decode.get();
      } catch (RuntimeException e) {
        if (!isOutage(e)) {
          throw e;
        }
        if (waitedNanos >= retry.giveUpAfter().toNanos()) {
          throw new RegistryUnavailableException(
              "schema registry unavailable for "
                  + Duration.ofNanos(waitedNanos).toSeconds()
                  + " s while decoding "
                  + what
                  + "; giving up (the record was not dead-lettered)",
              e);
        }
        try {
          retry.sleeper().sleep(wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new RegistryUnavailableException(
              "interrupted while waiting for the schema registry", e);
        }
        waitedNanos += wait.toNanos();
        wait =
            wait.multipliedBy(2).compareTo(retry.maxWait()) > 0
                ? retry.maxWait()
                : wait.multipliedBy(2);
      }
    }
  }
}
