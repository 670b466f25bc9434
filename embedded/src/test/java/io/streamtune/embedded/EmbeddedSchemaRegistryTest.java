package io.streamtune.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.confluent.kafka.schemaregistry.ParsedSchema;
import io.confluent.kafka.schemaregistry.avro.AvroSchema;
import io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import io.confluent.kafka.schemaregistry.client.SchemaMetadata;
import io.confluent.kafka.schemaregistry.client.SchemaRegistryClient;
import io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry through the real Confluent client, over HTTP, stored on a real broker. */
class EmbeddedSchemaRegistryTest {

  static final AvroSchema PAYMENT_V1 =
      schema(
          "{\"type\":\"record\",\"name\":\"Payment\",\"namespace\":\"test\",\"fields\":["
              + "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"amount\",\"type\":\"double\"}]}");
  static final AvroSchema PAYMENT_V2_CURRENCY_WITH_DEFAULT =
      schema(
          "{\"type\":\"record\",\"name\":\"Payment\",\"namespace\":\"test\",\"fields\":["
              + "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"amount\",\"type\":\"double\"},"
              + "{\"name\":\"currency\",\"type\":\"string\",\"default\":\"EUR\"}]}");
  static final AvroSchema PAYMENT_WITH_REQUIRED_NOTE =
      schema(
          "{\"type\":\"record\",\"name\":\"Payment\",\"namespace\":\"test\",\"fields\":["
              + "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"amount\",\"type\":\"double\"},"
              + "{\"name\":\"currency\",\"type\":\"string\",\"default\":\"EUR\"},"
              + "{\"name\":\"note\",\"type\":\"string\"}]}");
  static final AvroSchema PAYMENT_AMOUNT_AS_STRING =
      schema(
          "{\"type\":\"record\",\"name\":\"Payment\",\"namespace\":\"test\",\"fields\":["
              + "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"amount\",\"type\":\"string\"}]}");
  static final AvroSchema TRANSFER =
      schema(
          "{\"type\":\"record\",\"name\":\"Transfer\",\"namespace\":\"test\",\"fields\":["
              + "{\"name\":\"from\",\"type\":\"string\"},{\"name\":\"to\",\"type\":\"string\"}]}");
  static final AvroSchema TICKET =
      schema(
          "{\"type\":\"record\",\"name\":\"Ticket\",\"namespace\":\"test\",\"fields\":["
              + "{\"name\":\"seat\",\"type\":\"int\"}]}");

  @TempDir static Path dataDir;
  static EmbeddedKafkaBroker broker;
  static EmbeddedSchemaRegistry registry;

  @BeforeAll
  static void start() {
    broker = EmbeddedKafkaBroker.start(dataDir, 0);
    registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers());
  }

  @AfterAll
  static void stop() {
    registry.close();
    broker.close();
  }

  @Test
  void servesOnLoopback() {
    assertThat(registry.url()).matches("http://127\\.0\\.0\\.1:\\d+");
  }

  @Test
  void registeredSchemasAreServedByIdWithGlobalIds() throws Exception {
    int id = client().register("transfers-value", TRANSFER);
    int sameUnderOtherSubject = client().register("refunds-value", TRANSFER);
    int ticketId = client().register("tickets-value", TICKET);

    ParsedSchema byId = client().getSchemaById(id);

    assertThat(sameUnderOtherSubject).isEqualTo(id);
    assertThat(ticketId).isNotEqualTo(id);
    assertThat(byId.canonicalString()).isEqualTo(TRANSFER.canonicalString());
    assertThat(client().getSchemaById(ticketId)).isEqualTo(TICKET);
    assertThat(client().getAllSubjectsById(id))
        .containsExactlyInAnyOrder("transfers-value", "refunds-value");
    assertThat(client().getAllSubjects())
        .contains("transfers-value", "refunds-value", "tickets-value");
  }

  @Test
  void lookupAndLatestMetadata() throws Exception {
    int id = client().register("lookup-value", PAYMENT_V1);

    assertThat(client().getId("lookup-value", PAYMENT_V1)).isEqualTo(id);
    assertThat(client().getVersion("lookup-value", PAYMENT_V1)).isEqualTo(1);
    SchemaMetadata latest = client().getLatestSchemaMetadata("lookup-value");
    assertThat(latest.getId()).isEqualTo(id);
    assertThat(latest.getVersion()).isEqualTo(1);
    assertThat(new AvroSchema(latest.getSchema())).isEqualTo(PAYMENT_V1);
    // re-registering is not a new version
    assertThat(client().register("lookup-value", PAYMENT_V1)).isEqualTo(id);
    assertThat(client().getAllVersions("lookup-value")).containsExactly(1);
  }

  @Test
  void evolutionFollowsTheCompatibilityLevel() throws Exception {
    String subject = "evolving-value";
    int v1 = client().register(subject, PAYMENT_V1);
    int v2 = client().register(subject, PAYMENT_V2_CURRENCY_WITH_DEFAULT);

    assertThat(v2).isNotEqualTo(v1);
    assertThat(client().getLatestSchemaMetadata(subject).getVersion()).isEqualTo(2);
    assertThat(client().getCompatibility("")).isEqualTo("BACKWARD");

    assertThat(client().testCompatibility(subject, PAYMENT_WITH_REQUIRED_NOTE)).isFalse();
    assertThatThrownBy(() -> client().register(subject, PAYMENT_WITH_REQUIRED_NOTE))
        .isInstanceOfSatisfying(
            RestClientException.class,
            e -> {
              assertThat(e.getErrorCode()).isEqualTo(409);
              assertThat(e.getStatus()).isEqualTo(409);
              assertThat(e.getMessage())
                  .contains("incompatible")
                  .contains("READER_FIELD_MISSING_DEFAULT")
                  .contains("note");
            });
    assertThatThrownBy(() -> client().register(subject, PAYMENT_AMOUNT_AS_STRING))
        .isInstanceOfSatisfying(
            RestClientException.class,
            e -> {
              assertThat(e.getErrorCode()).isEqualTo(409);
              assertThat(e.getMessage()).contains("TYPE_MISMATCH").contains("amount");
            });
    assertThat(client().getAllVersions(subject)).containsExactly(1, 2);

    assertThat(client().updateCompatibility(subject, "NONE")).isEqualTo("NONE");
    assertThat(client().getCompatibility(subject)).isEqualTo("NONE");
    assertThat(client().testCompatibility(subject, PAYMENT_AMOUNT_AS_STRING)).isTrue();
    int v3 = client().register(subject, PAYMENT_AMOUNT_AS_STRING);

    assertThat(v3).isNotIn(v1, v2);
    assertThat(client().getAllVersions(subject)).containsExactly(1, 2, 3);
    assertThat(client().getCompatibility("")).isEqualTo("BACKWARD");
  }

  @Test
  void unknownIdsAndSubjectsHaveConfluentErrorCodes() {
    assertThatThrownBy(() -> client().getSchemaById(987_654))
        .isInstanceOfSatisfying(
            RestClientException.class,
            e -> {
              assertThat(e.getErrorCode()).isEqualTo(40403);
              assertThat(e.getStatus()).isEqualTo(404);
            });
    assertThatThrownBy(() -> client().getLatestSchemaMetadata("no-such-subject"))
        .isInstanceOfSatisfying(
            RestClientException.class, e -> assertThat(e.getErrorCode()).isEqualTo(40401));
    assertThatThrownBy(() -> client().updateCompatibility("x-value", "ALWAYS"))
        .isInstanceOfSatisfying(
            RestClientException.class, e -> assertThat(e.getErrorCode()).isEqualTo(42203));
  }

  @Test
  void aRestartedRegistryServesTheSameIdsVersionsAndConfig() throws Exception {
    String topic = "_schemas_restart";
    int paymentId;
    int paymentV2Id;
    int ticketId;
    try (EmbeddedSchemaRegistry first =
        EmbeddedSchemaRegistry.start(broker.bootstrapServers(), 0, topic)) {
      SchemaRegistryClient client = client(first);
      paymentId = client.register("p-value", PAYMENT_V1);
      paymentV2Id = client.register("p-value", PAYMENT_V2_CURRENCY_WITH_DEFAULT);
      ticketId = client.register("t-value", TICKET);
      client.updateCompatibility("p-value", "FULL_TRANSITIVE");
      client.updateCompatibility("", "FORWARD");
    }

    try (EmbeddedSchemaRegistry second =
        EmbeddedSchemaRegistry.start(broker.bootstrapServers(), 0, topic)) {
      SchemaRegistryClient client = client(second);
      assertThat(client.getSchemaById(paymentId)).isEqualTo(PAYMENT_V1);
      assertThat(client.getSchemaById(ticketId)).isEqualTo(TICKET);
      assertThat(client.getAllVersions("p-value")).containsExactly(1, 2);
      assertThat(client.getLatestSchemaMetadata("p-value").getId()).isEqualTo(paymentV2Id);
      assertThat(client.getId("p-value", PAYMENT_V1)).isEqualTo(paymentId);
      assertThat(client.getCompatibility("p-value")).isEqualTo("FULL_TRANSITIVE");
      assertThat(client.getCompatibility("")).isEqualTo("FORWARD");
      // a new schema gets a fresh id, not one handed out before the restart
      int newId = client.register("n-value", PAYMENT_AMOUNT_AS_STRING);
      assertThat(newId).isNotIn(paymentId, paymentV2Id, ticketId);
    }
    // the registry of this test class, on the default topic, never saw those subjects
    assertThat(client().getAllSubjects()).doesNotContain("p-value", "t-value");
  }

  private SchemaRegistryClient client() {
    return client(registry);
  }

  /** A fresh client per call, so answers come from the server, not the client's caches. */
  private static SchemaRegistryClient client(EmbeddedSchemaRegistry registry) {
    return new CachedSchemaRegistryClient(List.of(registry.url()), 100);
  }

  private static AvroSchema schema(String json) {
    return new AvroSchema(json);
  }
}
