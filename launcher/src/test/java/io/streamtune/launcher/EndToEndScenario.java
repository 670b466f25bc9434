package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.TopicReader;
import io.streamtune.ingest.CsvDataset;
import io.streamtune.ingest.CsvRecordReader;
import io.streamtune.ingest.RawRecordProducer;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The end-to-end scenario, run against the embedded stack and (where Docker runs) against real
 * Kafka and Confluent Schema Registry containers: credit_data plus three bad rows is ingested; the
 * pipeline must publish at least two evaluation reports that beat the majority-class baseline, the
 * bad rows must be dead-lettered with reasons, and the topics must reconcile.
 */
final class EndToEndScenario {

  static final Path CREDIT_CSV = Path.of("..", "data", "credit_data.csv");
  static final Path CREDIT_SPEC = Path.of("..", "pipelines", "credit.yaml");

  /** Rows appended to credit_data: an unparseable number, a missing label, an unknown label. */
  static final String BAD_ROWS =
      "\"good\",9,\"rent\",60,30,\"married\",\"no\",\"freelance\",73,\"abc\",0,0,800,846\n"
          + "NA,17,\"rent\",60,58,\"widow\",\"no\",\"fixed\",48,131,0,0,1000,1658\n"
          + "\"maybe\",10,\"owner\",36,46,\"married\",\"yes\",\"freelance\",90,200,3000,0,2000,2985\n";

  static final int CREDIT_ROWS = 4454;

  private EndToEndScenario() {}

  static void run(KafkaConnection kafka, Path workDir) throws Exception {
    Path csv = workDir.resolve("credit_with_bad_rows.csv");
    Files.writeString(
        csv,
        Files.readString(CREDIT_CSV, StandardCharsets.UTF_8) + BAD_ROWS,
        StandardCharsets.UTF_8);
    PipelineSpec spec = PipelineSpecs.load(CREDIT_SPEC);
    spec = spec.withTrainer(spec.trainer().withRetrainEvery(1000));
    CsvDataset dataset = CsvDataset.withSpec(csv, spec, null);
    Topics topics = kafka.topics();

    try (LocalPipeline pipeline =
        LocalPipeline.start(kafka, spec, workDir.resolve("model-store"), 2)) {
      long produced;
      try (RawRecordProducer producer =
              new RawRecordProducer(
                  kafka.bootstrapServers(), kafka.schemaRegistryUrl(), kafka.topics());
          CsvRecordReader records = dataset.open(Clock.systemUTC())) {
        produced = producer.produceAll(records, 0, null);
      }
      assertThat(produced).isEqualTo(CREDIT_ROWS + 3);

      List<ConsumerRecord<String, EvaluationReport>> reports =
          TopicReader.readAtLeast(
              kafka.bootstrapServers(),
              topics.name(Topics.METRICS),
              AvroSerdes.valueDeserializer(kafka.schemaRegistryUrl(), EvaluationReport.class),
              2,
              Duration.ofMinutes(4));
      for (ConsumerRecord<String, EvaluationReport> record : reports) {
        EvaluationReport report = record.value();
        assertThat(record.key()).isEqualTo("credit");
        assertThat(report.getHoldoutSize()).isPositive();
        assertThat(report.getMacroF1())
            .as("macro F1 of version %d vs the majority baseline", report.getVersion())
            .isGreaterThan(report.getMajorityBaselineMacroF1() + 0.1);
        assertThat(report.getConfusionMatrix()).hasSize(2);
        long confusionTotal =
            report.getConfusionMatrix().stream()
                .flatMap(List::stream)
                .mapToLong(Long::longValue)
                .sum();
        assertThat(confusionTotal).isEqualTo(report.getHoldoutSize());
      }

      // Every produced record ends up in exactly one of train, holdout and the dead letters.
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(2))
          .untilAsserted(() -> assertThat(TopicCounts.read(kafka).prepared()).isEqualTo(produced));
      TopicCounts counts = TopicCounts.read(kafka);
      assertThat(counts.raw()).isEqualTo(produced);
      assertThat(counts.deadLetters()).isEqualTo(3);
      // The split is a 20% hash split of the ids: 891 of 4,454 expected, ±3 standard deviations.
      assertThat(counts.holdout()).isBetween(810L, 972L);

      List<ConsumerRecord<String, DeadLetter>> deadLetters =
          TopicReader.readAtLeast(
              kafka.bootstrapServers(),
              topics.name(Topics.DEADLETTER),
              AvroSerdes.valueDeserializer(kafka.schemaRegistryUrl(), DeadLetter.class),
              3,
              Duration.ofSeconds(30));
      Map<String, String> reasonById =
          deadLetters.stream()
              .collect(Collectors.toMap(r -> r.value().getRecordId(), r -> r.value().getReason()));
      assertThat(reasonById.get("credit_with_bad_rows-4455")).contains("Income").contains("abc");
      assertThat(reasonById.get("credit_with_bad_rows-4456")).contains("missing label");
      assertThat(reasonById.get("credit_with_bad_rows-4457")).contains("unknown label 'maybe'");
      assertThat(deadLetters)
          .allSatisfy(
              r -> {
                assertThat(r.value().getStage()).isEqualTo("validate");
                assertThat(r.value().getOriginalValue()).isNotNull();
                assertThat(r.value().getTopic()).isEqualTo(topics.name(Topics.RAW));
              });
    }
  }
}
