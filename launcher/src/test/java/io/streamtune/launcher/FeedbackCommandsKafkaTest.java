package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.RetrainCause;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** {@code streamtune rollback --to V} and {@code streamtune retrain} against a real broker. */
class FeedbackCommandsKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--bootstrap-servers";
    all[args.length + 1] = KAFKA.bootstrapServers();
    all[args.length + 2] = "--schema-registry-url";
    all[args.length + 3] = KAFKA.schemaRegistryUrl();
    CommandLine cli = StreamtuneCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return new Run(cli.execute(all), out.toString(), err.toString());
  }

  private static ModelVersion version(int v) {
    return ModelVersion.newBuilder()
        .setModelId("credit")
        .setVersion(v)
        .setParentVersion(v == 1 ? null : v - 1)
        .setCreatedAt(Instant.ofEpochMilli(1000L * v))
        .setStorePath("store/credit/v" + v)
        .setArchitecture("mlp")
        .setLabels(List.of("no", "yes"))
        .setFeatureCount(3)
        .setExamplesTrainedOn(100)
        .setNewExamples(100)
        .setTotalExamplesConsumed(100L * v)
        .setConsumedOffsets(List.of())
        .setTrainLoss(0.4)
        .setEpochs(1)
        .setDurationMs(5)
        .setDevice("cpu()")
        .build();
  }

  @Test
  @Timeout(120)
  void rollbackToAPublishedVersionAndAnUnknownOne() {
    Topics topics = KAFKA.topics();
    var props = new java.util.Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    try (KafkaProducer<String, ModelVersion> producer =
        new KafkaProducer<>(
            props, new StringSerializer(), AvroSerdes.valueSerializer(KAFKA.schemaRegistryUrl()))) {
      producer.send(new ProducerRecord<>(topics.name(Topics.MODELS), "credit", version(1)));
      producer.send(new ProducerRecord<>(topics.name(Topics.MODELS), "credit", version(2)));
      producer.send(
          new ProducerRecord<>(topics.name(Topics.MODELS_PROMOTED), "credit", version(2)));
      producer.flush();
    }

    Run unknown = run("rollback", "--to", "5", "--model", "credit");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err())
        .contains("streamtune rollback: model credit has no version 5")
        .contains("[v1, v2]");

    Run rollback = run("rollback", "--to", "1", "--model", "credit");
    assertThat(rollback.exitCode()).as(rollback.err()).isZero();
    assertThat(rollback.out()).contains("model credit: v1 promoted again (was v2)");

    List<ConsumerRecord<String, ModelVersion>> promoted =
        TopicReader.readAtLeast(
            KAFKA.bootstrapServers(),
            topics.name(Topics.MODELS_PROMOTED),
            AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), ModelVersion.class),
            2,
            Duration.ofSeconds(30));
    assertThat(promoted).extracting(r -> r.value().getVersion()).containsExactly(2, 1);
    List<ConsumerRecord<String, EvaluationReport>> reports =
        TopicReader.readAtLeast(
            KAFKA.bootstrapServers(),
            topics.name(Topics.METRICS),
            AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), EvaluationReport.class),
            1,
            Duration.ofSeconds(30));
    assertThat(reports.get(0).value().getKind()).isEqualTo("rollback");
    assertThat(reports.get(0).value().getGateReason()).isEqualTo("manual rollback to v1");
  }

  @Test
  @Timeout(120)
  void retrainWritesAManualRequestForThePipelinesModel() {
    Run run =
        run(
            "retrain",
            "--pipeline",
            EndToEndScenario.CREDIT_SPEC.toString(),
            "--reason",
            "quarterly refresh");
    assertThat(run.exitCode()).as(run.err()).isZero();

    List<ConsumerRecord<String, RetrainRequest>> requests =
        TopicReader.readAtLeast(
            KAFKA.bootstrapServers(),
            KAFKA.topics().name(Topics.CONTROL),
            AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), RetrainRequest.class),
            1,
            Duration.ofSeconds(30));
    RetrainRequest request = requests.get(0).value();
    assertThat(request.getTrigger()).isEqualTo(RetrainCause.MANUAL);
    assertThat(request.getReason()).isEqualTo("quarterly refresh");
    assertThat(request.getModelId()).isEqualTo(requests.get(0).key()).isNotBlank();

    Run reselect =
        run("retrain", "--pipeline", EndToEndScenario.CREDIT_SPEC.toString(), "--reselect");
    assertThat(reselect.exitCode()).as(reselect.err()).isZero();
    assertThat(reselect.out()).contains("reselection and retrain requested");
    List<ConsumerRecord<String, RetrainRequest>> both =
        TopicReader.readAtLeast(
            KAFKA.bootstrapServers(),
            KAFKA.topics().name(Topics.CONTROL),
            AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), RetrainRequest.class),
            2,
            Duration.ofSeconds(30));
    assertThat(both)
        .extracting(r -> r.value().getTrigger())
        .containsExactlyInAnyOrder(RetrainCause.MANUAL, RetrainCause.RESELECT);
  }
}
