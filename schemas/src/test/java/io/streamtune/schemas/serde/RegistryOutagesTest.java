package io.streamtune.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class RegistryOutagesTest {

  /** As Confluent's deserializer reports a registry answer: the REST error inside. */
  private static SerializationException registry(int status, int errorCode) {
    return new SerializationException(
        "Error retrieving Avro schema for id 7",
        new RestClientException("registry says " + status, status, errorCode));
  }

  @Test
  void unreachableRefusingThrottlingOrFailingRegistriesAreOutages() {
    assertThat(RegistryOutages.isOutage(new SerializationException(new ConnectException())))
        .isTrue();
    assertThat(RegistryOutages.isOutage(registry(500, 50001))).isTrue();
    assertThat(RegistryOutages.isOutage(registry(503, 50003))).isTrue();
    assertThat(RegistryOutages.isOutage(registry(401, 40101))).isTrue();
    assertThat(RegistryOutages.isOutage(registry(403, 40301))).isTrue();
    assertThat(RegistryOutages.isOutage(registry(429, 42901))).isTrue();
    // as Confluent's deserializer throws them
    assertThat(
            RegistryOutages.isOutage(
                new org.apache.kafka.common.errors.ThrottlingQuotaExceededException("slow down")))
        .isTrue();
    assertThat(
            RegistryOutages.isOutage(
                new org.apache.kafka.common.errors.AuthenticationException("who?")))
        .isTrue();
  }

  @Test
  void unknownSchemaIdsAndBadBytesAreTheRecordsFault() {
    assertThat(RegistryOutages.isOutage(registry(404, 40403))).isFalse();
    assertThat(RegistryOutages.isOutage(new SerializationException("Unknown magic byte!")))
        .isFalse();
    assertThat(RegistryOutages.isOutage(registry(422, 42201))).isFalse();
  }

  @Test
  void anOutageIsWaitedOutAndTheRecordDecodedAfterwards() {
    List<Duration> waits = new ArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    RegistryOutages.Retry retry =
        new RegistryOutages.Retry(
            Duration.ofMinutes(1), Duration.ofMillis(100), Duration.ofSeconds(1), waits::add);

    String decoded =
        RegistryOutages.decode(
            () -> {
              if (calls.incrementAndGet() <= 5) {
                throw registry(503, 50003);
              }
              return "example";
            },
            retry,
            "offset 3");

    assertThat(decoded).isEqualTo("example");
    assertThat(waits)
        .containsExactly(
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            Duration.ofMillis(400),
            Duration.ofMillis(800),
            Duration.ofSeconds(1));
  }

  @Test
  void aLongOutageStopsTheCallerInsteadOfDeadLetteringAndABadRecordFailsAtOnce() {
    List<Duration> waits = new ArrayList<>();
    RegistryOutages.Retry retry =
        new RegistryOutages.Retry(
            Duration.ofSeconds(3), Duration.ofMillis(500), Duration.ofSeconds(1), waits::add);

    assertThatThrownBy(
            () ->
                RegistryOutages.decode(
                    () -> {
                      throw registry(500, 50001);
                    },
                    retry,
                    "offset 9"))
        .isInstanceOf(RegistryOutages.RegistryUnavailableException.class)
        .hasMessageContaining("schema registry unavailable for 3 s while decoding offset 9")
        .hasMessageContaining("not dead-lettered");
    assertThat(waits).hasSize(4);

    waits.clear();
    assertThatThrownBy(
            () ->
                RegistryOutages.decode(
                    () -> {
                      throw registry(404, 40403);
                    },
                    retry,
                    "offset 10"))
        .isInstanceOf(SerializationException.class);
    assertThat(waits).isEmpty();
  }
}
