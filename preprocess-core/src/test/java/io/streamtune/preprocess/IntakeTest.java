package io.streamtune.preprocess;

import static io.streamtune.preprocess.TestSpecs.tabular;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.confluent.kafka.serializers.KafkaAvroDeserializer;
import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.preprocess.media.MediaRecord;
import io.streamtune.preprocess.media.MediaSpecs;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.avro.TextPayload;
import io.streamtune.schemas.serde.AvroSerdes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

class IntakeTest {

  private static final String REGISTRY = "mock://record-intake-test";
  private static final String TOPIC = "streamtune.raw";
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  private final Intake<ValidatedRow> intake =
      Intake.tabular(AvroSerdes.valueDeserializer(REGISTRY, RawRecord.class), TestSpecs.credit());

  private static byte[] serialize(SpecificRecord record) {
    try (Serializer<SpecificRecord> serializer = AvroSerdes.valueSerializer(REGISTRY)) {
      return serializer.serialize(TOPIC, record);
    }
  }

  private static RawEnvelope envelope(byte[] value) {
    return new RawEnvelope(TOPIC, 3, 42L, "key-1".getBytes(StandardCharsets.UTF_8), value);
  }

  private DeadLetter rejected(RawEnvelope envelope) {
    return rejected(intake, envelope);
  }

  private static DeadLetter rejected(Intake<?> intake, RawEnvelope envelope) {
    Outcome<?> outcome = intake.accept(envelope);
    assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
    return ((Outcome.Rejected<?>) outcome).deadLetter(NOW);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  @Test
  void validRecordIsAccepted() {
    Outcome<ValidatedRow> outcome =
        intake.accept(envelope(serialize(tabular("r1", "good", "Income", 10.0, "Home", "rent"))));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Outcome.Accepted.class,
            accepted -> {
              ValidatedRow row = (ValidatedRow) accepted.value();
              assertThat(row.id()).isEqualTo("r1");
              assertThat(row.numericValues()[0]).isEqualTo(10.0);
              // kept so that a cleaning or transform step can still dead-letter the bytes
              assertThat(row.source().offset).isEqualTo(42L);
            });
  }

  @Test
  void garbageBytesAreDeadLetteredAtDeserializeWithTheOriginalBytesAndOrigin() {
    byte[] garbage = "this is not avro".getBytes(StandardCharsets.UTF_8);

    DeadLetter deadLetter = rejected(envelope(garbage));

    assertThat(deadLetter.getStage()).isEqualTo("deserialize");
    assertThat(deadLetter.getReason())
        .startsWith("not a Confluent-Avro RawRecord")
        .containsIgnoringCase("magic byte");
    assertThat(deadLetter.getRecordId()).isNull();
    assertThat(deadLetter.getTopic()).isEqualTo(TOPIC);
    assertThat(deadLetter.getPartition()).isEqualTo(3);
    assertThat(deadLetter.getOffset()).isEqualTo(42L);
    assertThat(bytes(deadLetter.getOriginalValue())).isEqualTo(garbage);
    assertThat(bytes(deadLetter.getOriginalKey())).isEqualTo("key-1".getBytes());
    assertThat(deadLetter.getFailedAt()).isEqualTo(NOW);
  }

  @Test
  void unknownSchemaIdIsDeadLetteredAtDeserialize() {
    byte[] unknownSchema = {0, 0, 0, 0x7f, 0x11, 2, 4};

    DeadLetter deadLetter = rejected(envelope(unknownSchema));

    assertThat(deadLetter.getStage()).isEqualTo("deserialize");
    assertThat(deadLetter.getReason()).startsWith("not a Confluent-Avro RawRecord");
  }

  @Test
  void anotherRecordTypeIsDeadLetteredAsWrongRecordType() {
    Example example =
        Example.newBuilder()
            .setId("e1")
            .setSourceId("e1")
            .setEventTime(Instant.EPOCH)
            .setSplit(Split.TRAIN)
            .setLabel("good")
            .setLabelIndex(0)
            .setFeatures(List.of(1f))
            .build();

    DeadLetter deadLetter = rejected(envelope(serialize(example)));

    assertThat(deadLetter.getStage()).isEqualTo("deserialize");
    assertThat(deadLetter.getReason()).startsWith("wrong record type").contains("Example");
  }

  @Test
  void emptyValueIsDeadLettered() {
    assertThat(rejected(envelope(null)).getReason()).isEqualTo("empty value");
    assertThat(rejected(envelope(new byte[0])).getReason()).isEqualTo("empty value");
  }

  @Test
  void ruleBreakingRecordIsDeadLetteredAtValidateWithItsId() {
    RawRecord text =
        RawRecord.newBuilder()
            .setId("t1")
            .setEventTime(Instant.EPOCH)
            .setSource("test")
            .setLabel("good")
            .setPayload(TextPayload.newBuilder().setText("hi").build())
            .setAttributes(Map.of())
            .build();
    byte[] value = serialize(text);

    DeadLetter deadLetter = rejected(envelope(value));

    assertThat(deadLetter.getStage()).isEqualTo("validate");
    assertThat(deadLetter.getRecordId()).isEqualTo("t1");
    assertThat(deadLetter.getReason()).isEqualTo("wrong payload type: expected tabular, got text");
    assertThat(bytes(deadLetter.getOriginalValue())).isEqualTo(value);
  }

  @Test
  void requestsToAServedModelNeedNoLabelButAPresentOneIsStillChecked() {
    Deserializer<RawRecord> deserializer = AvroSerdes.valueDeserializer(REGISTRY, RawRecord.class);
    Intake<ValidatedRow> requests = Intake.tabularRequests(deserializer, TestSpecs.credit());
    RawEnvelope unlabeled = envelope(serialize(tabular("q1", null, "Income", 10.0)));

    assertThat(rejected(intake, unlabeled).getReason()).contains("missing label");
    Outcome<ValidatedRow> accepted = requests.accept(unlabeled);
    assertThat(accepted)
        .isInstanceOfSatisfying(
            Outcome.Accepted.class,
            ok -> {
              ValidatedRow row = (ValidatedRow) ok.value();
              assertThat(row.label()).isEmpty();
              assertThat(row.labelIndex()).isEqualTo(-1);
              assertThat(row.numericValues()[0]).isEqualTo(10.0);
            });
    assertThat(
            rejected(requests, envelope(serialize(tabular("q2", "great", "Income", 1.0))))
                .getReason())
        .contains("unknown label 'great'");
    assertThat(
            rejected(requests, envelope(serialize(tabular("q3", null, "Income", "rich"))))
                .getStage())
        .isEqualTo("validate");

    Intake<MediaRecord> texts = Intake.mediaRequests(deserializer, MediaSpecs.text());
    assertThat(texts.accept(envelope(serialize(MediaSpecs.raw("q4", null, MediaSpecs.text("hi"))))))
        .isInstanceOfSatisfying(
            Outcome.Accepted.class,
            ok -> assertThat(((MediaRecord) ok.value()).labelIndex).isEqualTo(-1));
    assertThat(
            rejected(
                    Intake.media(deserializer, MediaSpecs.text()),
                    envelope(serialize(MediaSpecs.raw("q4", null, MediaSpecs.text("hi")))))
                .getReason())
        .contains("missing label");
  }

  @Test
  void imageAndTextRecordsTakeTheSameDecodeStepAndTheirOwnValueChecks() {
    Intake<MediaRecord> texts =
        Intake.media(AvroSerdes.valueDeserializer(REGISTRY, RawRecord.class), MediaSpecs.text());

    assertThat(rejected(texts, envelope(new byte[] {0, 0, 0, 0, 7, 1})).getStage())
        .isEqualTo("deserialize");
    DeadLetter tabularRecord = rejected(texts, envelope(serialize(tabular("r1", "good"))));
    assertThat(tabularRecord.getStage()).isEqualTo("validate");
    assertThat(tabularRecord.getReason()).contains("wrong payload type: expected text");
    assertThat(tabularRecord.getRecordId()).isEqualTo("r1");

    Outcome<MediaRecord> accepted =
        texts.accept(
            envelope(serialize(MediaSpecs.raw("t1", "ham", MediaSpecs.text("see you at noon")))));
    assertThat(accepted)
        .isInstanceOfSatisfying(
            Outcome.Accepted.class,
            ok -> assertThat(((MediaRecord) ok.value()).text).isEqualTo("see you at noon"));
  }

  @Test
  void unreachableRegistryFailsInsteadOfDeadLetteringGoodData() {
    byte[] value = serialize(tabular("r1", "good"));
    // a real registry client against a closed port
    Intake<ValidatedRow> offline = intakeWithRegistryAt("http://127.0.0.1:9");

    assertThatThrownBy(() -> offline.accept(envelope(value)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("schema registry unavailable");
  }

  @Test
  void aRegistryAnsweringWithAnErrorStatusFailsButAnUnknownSchemaIdIsDeadLettered()
      throws Exception {
    byte[] value = serialize(tabular("r1", "good"));
    for (int status : new int[] {503, 500, 429, 401, 403, 404}) {
      com.sun.net.httpserver.HttpServer server =
          com.sun.net.httpserver.HttpServer.create(
              new java.net.InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/",
          exchange -> {
            byte[] body =
                ("{\"error_code\":"
                        + (status * 100 + 3)
                        + ",\"message\":\"status "
                        + status
                        + "\"}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange
                .getResponseHeaders()
                .add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      server.start();
      try {
        Intake<ValidatedRow> intake =
            intakeWithRegistryAt("http://127.0.0.1:" + server.getAddress().getPort());

        if (status == 404) {
          // the registry does not know the record's schema id: the record's fault
          assertThat(rejected(intake, envelope(value)).getStage()).isEqualTo("deserialize");
        } else {
          // before: every good record became a dead letter for as long as the outage lasted
          assertThatThrownBy(() -> intake.accept(envelope(value)))
              .as("status %d", status)
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("schema registry unavailable");
        }
      } finally {
        server.stop(0);
      }
    }
  }

  /** A real Confluent registry client at {@code url}, retries off to keep the tests fast. */
  private static Intake<ValidatedRow> intakeWithRegistryAt(String url) {
    Map<String, Object> config = new HashMap<>(AvroSerdes.config(url));
    config.put("max.retries", 0);
    KafkaAvroDeserializer client = new KafkaAvroDeserializer();
    client.configure(config, false);
    return Intake.tabular(
        (topic, data) -> (RawRecord) client.deserialize(topic, data), TestSpecs.credit());
  }
}
