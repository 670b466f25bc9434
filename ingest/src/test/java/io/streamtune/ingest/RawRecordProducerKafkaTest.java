package io.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.TopicDef;
import io.streamtune.schemas.topics.Topics;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RawRecordProducerKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @Test
  void recordsReachTheRawTopicAndRejectsTheDeadLetterTopic() throws Exception {
    String jsonl =
        "{\"id\": \"a\", \"label\": \"spam\", \"text\": \"one\"}\n"
            + "{broken\n"
            + "{\"id\": \"c\", \"label\": \"ham\", \"text\": \"three\"}\n";

    RawRecordProducer.Counts counts = ingest(jsonl, KAFKA.topics());

    assertThat(counts).isEqualTo(new RawRecordProducer.Counts(2, 1));
    assertThat(read(KAFKA.topics(), Topics.RAW, RawRecord.class, 2))
        .extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrder("a", "c");
    DeadLetter letter = read(KAFKA.topics(), Topics.DEADLETTER, DeadLetter.class, 1).get(0).value();
    assertThat(letter.getStage()).isEqualTo("ingest");
    assertThat(letter.getTopic()).isEqualTo("mail:2");
    assertThat(letter.getReason()).startsWith("not valid JSON");
    assertThat(StandardCharsets.UTF_8.decode(letter.getOriginalValue()).toString())
        .isEqualTo("{broken");
  }

  @Test
  void aRecordTooLargeForTheTopicIsDeadLetteredAndTheRestStillSent() throws Exception {
    // 2 MB of text: over the producer's default max.request.size (1 MB)
    String huge = "x".repeat(2_000_000);
    String jsonl =
        "{\"id\": \"a\", \"label\": \"spam\", \"text\": \"one\"}\n"
            + "{\"id\": \"big\", \"label\": \"ham\", \"text\": \""
            + huge
            + "\"}\n"
            + "{\"id\": \"c\", \"label\": \"ham\", \"text\": \"three\"}\n";
    Topics topics = new Topics("big.");
    KAFKA.createTopics(topics.allNames().toArray(String[]::new));

    // before: IngestException "1 of 3 records were not acknowledged", the run failed
    RawRecordProducer.Counts counts = ingest(jsonl, topics);

    assertThat(counts).isEqualTo(new RawRecordProducer.Counts(2, 1));
    assertThat(read(topics, Topics.RAW, RawRecord.class, 2))
        .extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrder("a", "c");
    DeadLetter letter = read(topics, Topics.DEADLETTER, DeadLetter.class, 1).get(0).value();
    assertThat(letter.getRecordId()).isEqualTo("big");
    assertThat(letter.getStage()).isEqualTo("ingest");
    assertThat(letter.getTopic()).isEqualTo("big.raw");
    assertThat(letter.getReason()).startsWith("record too large for the raw topic: ");
  }

  /** Ingests JSONL texts (source "mail") to {@code topics}. */
  private static RawRecordProducer.Counts ingest(String jsonl, Topics topics) throws Exception {
    try (RawRecordProducer producer =
            new RawRecordProducer(KAFKA.bootstrapServers(), KAFKA.schemaRegistryUrl(), topics);
        JsonlTextReader reader =
            new JsonlTextReader(
                new BufferedReader(new StringReader(jsonl)),
                "text",
                "label",
                "id",
                "mail",
                Clock.systemUTC())) {
      return producer.produce(reader, 0, null);
    }
  }

  private static <T extends SpecificRecord> List<ConsumerRecord<String, T>> read(
      Topics topics, TopicDef<?, ?> topic, Class<T> type, int count) {
    return TopicReader.readAtLeast(
        KAFKA.bootstrapServers(),
        topics.name(topic),
        AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), type),
        count,
        Duration.ofSeconds(30));
  }
}
