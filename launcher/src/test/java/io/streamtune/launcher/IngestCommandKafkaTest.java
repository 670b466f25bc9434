package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code streamtune ingest} run twice on one CSV: the second run says it skipped every record. */
class IngestCommandKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @TempDir Path dir;

  @Test
  void aSecondIngestOfTheSameCsvSkipsEveryRecordAndSaysSo() throws Exception {
    Topics topics = new Topics("cli.");
    KAFKA.createTopics(topics.allNames().toArray(String[]::new));
    Path csv = dir.resolve("rows.csv");
    Files.writeString(csv, "x,label\n1.5,a\n2.5,b\n3.5,a\n");

    String first = ingest(csv);
    String second = ingest(csv);
    String forced = ingest(csv, "--force");

    assertThat(first).contains("produced 3 records to cli.raw").doesNotContain("skipped");
    assertThat(second)
        .contains("skipped 3 records already produced (ledger " + dir.resolve("ledger"))
        .contains("produced 0 records to cli.raw");
    assertThat(forced).contains("produced 3 records to cli.raw").doesNotContain("skipped");
    assertThat(
            TopicReader.readAll(
                KAFKA.bootstrapServers(),
                topics.name(Topics.RAW),
                AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), RawRecord.class),
                Duration.ofSeconds(3)))
        .hasSize(6);
  }

  private String ingest(Path csv, String... extra) {
    String[] args = {
      "ingest",
      "--csv",
      csv.toString(),
      "--label",
      "label",
      "--bootstrap-servers",
      KAFKA.bootstrapServers(),
      "--schema-registry-url",
      KAFKA.schemaRegistryUrl(),
      "--topic-prefix",
      "cli.",
      "--ledger-dir",
      dir.resolve("ledger").toString()
    };
    String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
    System.arraycopy(extra, 0, all, args.length, extra.length);
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(StreamtuneCli.commandLine().execute(all)).isZero();
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
