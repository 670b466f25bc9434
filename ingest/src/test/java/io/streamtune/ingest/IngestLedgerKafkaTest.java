package io.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Re-running an ingest of the same input produces each record once (the ledger). */
class IngestLedgerKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final AtomicInteger PREFIX = new AtomicInteger();

  @TempDir Path dir;

  @Test
  void aCsvIngestedTwiceIsOnTheTopicOnceAndTheSecondRunSkipsAll() throws Exception {
    Topics topics = freshTopics();
    Path csv = csv(5);

    assertThat(ingest(csv, topics, false, Integer.MAX_VALUE))
        .isEqualTo(new RawRecordProducer.Counts(5, 0, 0));
    assertThat(ingest(csv, topics, false, Integer.MAX_VALUE))
        .isEqualTo(new RawRecordProducer.Counts(0, 0, 5));

    assertThat(keys(topics)).hasSize(5).doesNotHaveDuplicates();
  }

  @Test
  void aRunInterruptedAfterKRecordsResumesAndEachRecordIsOnTheTopicOnce() throws Exception {
    Topics topics = freshTopics();
    Path csv = csv(7);

    assertThatThrownBy(() -> ingest(csv, topics, false, 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("reader failed");
    assertThat(ingest(csv, topics, false, Integer.MAX_VALUE))
        .isEqualTo(new RawRecordProducer.Counts(4, 0, 3));

    assertThat(keys(topics)).hasSize(7).doesNotHaveDuplicates();
  }

  /**
   * A hard kill after the broker acknowledged records but before the ledger file recorded them: the
   * file is put back as it was before the run that was "killed". Without the recovery from the
   * topics the next run sent those 4 records again.
   */
  @Test
  void aRunKilledBeforeItsLedgerWriteIsFoundOnTheTopicsAndNotSentAgain() throws Exception {
    Topics topics = freshTopics();
    Path csv = csv(7);
    assertThatThrownBy(() -> ingest(csv, topics, false, 3)).hasMessageContaining("reader failed");
    Path file = onlyLedgerFile();
    String beforeTheKilledRun = Files.readString(file);

    assertThat(ingest(csv, topics, false, Integer.MAX_VALUE))
        .isEqualTo(new RawRecordProducer.Counts(4, 0, 3));
    Files.writeString(file, beforeTheKilledRun);

    assertThat(ingest(csv, topics, false, Integer.MAX_VALUE))
        .isEqualTo(new RawRecordProducer.Counts(0, 0, 7));
    assertThat(keys(topics)).hasSize(7).doesNotHaveDuplicates();
    // and records of another input on the same topic are not taken for this one's
    Path other = dir.resolve("other.csv");
    Files.writeString(other, Files.readString(csv).replace("label\n", "label\n9.5,9.25,a\n"));
    assertThat(ingest(other, topics, false, Integer.MAX_VALUE).produced()).isEqualTo(8);
  }

  private Path onlyLedgerFile() throws Exception {
    try (var files = Files.list(dir.resolve("ledger"))) {
      return files.filter(f -> f.toString().endsWith(".ledger")).findFirst().orElseThrow();
    }
  }

  @Test
  void forceSendsAgain() throws Exception {
    Topics topics = freshTopics();
    Path csv = csv(4);

    ingest(csv, topics, false, Integer.MAX_VALUE);
    assertThat(ingest(csv, topics, true, Integer.MAX_VALUE))
        .isEqualTo(new RawRecordProducer.Counts(4, 0, 0));
    // and the forced run's ledger stands: a third run skips all
    assertThat(ingest(csv, topics, false, Integer.MAX_VALUE))
        .isEqualTo(new RawRecordProducer.Counts(0, 0, 4));

    assertThat(keys(topics)).hasSize(8);
  }

  @Test
  void aChangedFileIsANewInput() throws Exception {
    Topics topics = freshTopics();
    Path csv = csv(4);

    ingest(csv, topics, false, Integer.MAX_VALUE);
    Files.writeString(csv, "4.5,1.5,b\n", java.nio.file.StandardOpenOption.APPEND);
    assertThat(ingest(csv, topics, false, Integer.MAX_VALUE))
        .isEqualTo(new RawRecordProducer.Counts(5, 0, 0));

    assertThat(keys(topics)).hasSize(9);
  }

  @Test
  void anotherClusterIsAnotherLedger() throws Exception {
    Path csv = csv(2);
    String input = IngestLedger.fingerprint(List.of("csv"), List.of(csv));
    Properties client = new Properties();
    client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    IngestLedger here = IngestLedger.open(dir.resolve("ledger"), client, "raw", input, false);
    here.acknowledged(0);
    here.acknowledged(1);
    here.save();

    assertThat(IngestLedger.open(dir.resolve("ledger"), client, "raw", input, false).recorded())
        .isEqualTo(2);
    assertThat(
            IngestLedger.open(dir.resolve("ledger"), "other-cluster", "raw", input, false).file())
        .isNotEqualTo(here.file());
  }

  private static Topics freshTopics() {
    Topics topics = new Topics("ledger" + PREFIX.incrementAndGet() + ".");
    KAFKA.createTopics(topics.allNames().toArray(String[]::new));
    return topics;
  }

  private Path csv(int rows) throws Exception {
    StringBuilder text = new StringBuilder("x,y,label\n");
    for (int i = 0; i < rows; i++) {
      text.append(i).append(".5,").append(i % 3).append(".25,").append(i % 2 == 0 ? "a" : "b");
      text.append('\n');
    }
    Path file = dir.resolve("data.csv");
    Files.writeString(file, text);
    return file;
  }

  /**
   * Ingests {@code csv} as {@code streamtune ingest} does; the reader fails after {@code limit}.
   */
  private RawRecordProducer.Counts ingest(Path csv, Topics topics, boolean force, int limit)
      throws Exception {
    Properties client = new Properties();
    client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    IngestLedger ledger =
        IngestLedger.open(
            dir.resolve("ledger"),
            client,
            topics.name(Topics.RAW),
            IngestLedger.fingerprint(List.of("csv", "label=label"), List.of(csv)),
            force);
    try (IngestSource source =
            IngestSource.csv(CsvDataset.infer(csv, "label", null), Clock.systemUTC());
        RawRecordProducer producer =
            new RawRecordProducer(KAFKA.bootstrapServers(), KAFKA.schemaRegistryUrl(), topics)) {
      return producer.produce(failingAfter(source.items(), limit), 0, null, ledger);
    }
  }

  private static <T> Iterator<Outcome<T>> failingAfter(Iterator<Outcome<T>> items, int limit) {
    return new Iterator<>() {
      int read;

      @Override
      public boolean hasNext() {
        if (read == limit && items.hasNext()) {
          throw new IllegalStateException("reader failed after " + limit + " items");
        }
        return items.hasNext();
      }

      @Override
      public Outcome<T> next() {
        read++;
        return items.next();
      }
    };
  }

  private static List<String> keys(Topics topics) {
    return TopicReader.readAll(
            KAFKA.bootstrapServers(),
            topics.name(Topics.RAW),
            AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), RawRecord.class),
            Duration.ofSeconds(3))
        .stream()
        .map(ConsumerRecord::key)
        .toList();
  }
}
