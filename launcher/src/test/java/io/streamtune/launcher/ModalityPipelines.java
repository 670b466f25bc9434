package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.evaluator.EvaluatorConfig;
import io.streamtune.evaluator.EvaluatorService;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.OffsetRange;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.TrainerSpec.DeviceKind;
import io.streamtune.trainer.TrainerConfig;
import io.streamtune.trainer.TrainerService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The trainer and the evaluator of one image or text pipeline against the embedded broker, fed by
 * examples produced straight to examples.train / examples.holdout (no Flink job).
 */
final class ModalityPipelines {

  static final Duration TIMEOUT = Duration.ofMinutes(3);

  /** What a run published. */
  record Run(List<ModelVersion> versions, List<EvaluationReport> reports) {}

  private ModalityPipelines() {}

  static void produce(EmbeddedKafkaExtension kafka, String topic, List<Example> examples) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaProducer<String, Example> producer =
        new KafkaProducer<>(
            props, new StringSerializer(), AvroSerdes.valueSerializer(kafka.schemaRegistryUrl()))) {
      for (Example example : examples) {
        producer.send(new ProducerRecord<>(topic, example.getId(), example));
      }
    }
  }

  /**
   * Produces the holdout, then the training examples, and runs a trainer and an evaluator until
   * {@code versions} reports are on the metrics topic.
   */
  static Run run(
      EmbeddedKafkaExtension kafka,
      PipelineSpec spec,
      Path store,
      List<Example> train,
      List<Example> holdout,
      int versions)
      throws Exception {
    Topics topics = kafka.topics();
    KafkaConnection connection =
        new KafkaConnection(kafka.bootstrapServers(), kafka.schemaRegistryUrl(), topics);
    produce(kafka, topics.name(Topics.EXAMPLES_HOLDOUT), holdout);
    TrainerService trainer =
        new TrainerService(
            TrainerConfig.of(connection, spec, store)
                .withDevice(DeviceKind.AUTO)
                .withPollTimeout(Duration.ofMillis(100)));
    EvaluatorService evaluator =
        new EvaluatorService(EvaluatorConfig.of(connection, spec).withModelStore(store));
    Thread trainerLoop = new Thread(trainer, "trainer-" + spec.name());
    Thread evaluatorLoop = new Thread(evaluator, "evaluator-" + spec.name());
    trainerLoop.start();
    evaluatorLoop.start();
    try {
      produce(kafka, topics.name(Topics.EXAMPLES_TRAIN), train);
      List<EvaluationReport> reports =
          TopicReader.readAtLeast(
                  kafka.bootstrapServers(),
                  topics.name(Topics.METRICS),
                  AvroSerdes.valueDeserializer(kafka.schemaRegistryUrl(), EvaluationReport.class),
                  versions,
                  TIMEOUT)
              .stream()
              .map(ConsumerRecord::value)
              .sorted(Comparator.comparingInt(EvaluationReport::getVersion))
              .toList();
      List<ModelVersion> published =
          TopicReader.readAtLeast(
                  kafka.bootstrapServers(),
                  topics.name(Topics.MODELS),
                  AvroSerdes.valueDeserializer(kafka.schemaRegistryUrl(), ModelVersion.class),
                  versions,
                  TIMEOUT)
              .stream()
              .map(ConsumerRecord::value)
              .sorted(Comparator.comparingInt(ModelVersion::getVersion))
              .toList();
      return new Run(published, reports);
    } finally {
      trainer.close();
      evaluator.close();
      trainerLoop.join(30_000);
      evaluatorLoop.join(30_000);
      assertThat(trainerLoop.isAlive()).isFalse();
      assertThat(evaluatorLoop.isAlive()).isFalse();
    }
  }

  /** Offsets of every version together: each training record exactly once, none skipped. */
  static void assertOffsetsAccountFor(List<ModelVersion> versions, int trainRecords) {
    long covered = 0;
    java.util.Map<Integer, Long> nextByPartition = new java.util.HashMap<>();
    for (ModelVersion version : versions) {
      for (OffsetRange range : version.getConsumedOffsets()) {
        long expectedFrom = nextByPartition.getOrDefault(range.getPartition(), 0L);
        assertThat(range.getFromOffset())
            .as(
                "v%d partition %d starts where the previous version ended",
                version.getVersion(), range.getPartition())
            .isEqualTo(expectedFrom);
        nextByPartition.put(range.getPartition(), range.getUntilOffset());
        covered += range.getUntilOffset() - range.getFromOffset();
      }
    }
    assertThat(covered).isLessThanOrEqualTo(trainRecords);
    long newExamples = versions.stream().mapToLong(ModelVersion::getNewExamples).sum();
    assertThat(newExamples).isEqualTo(covered);
  }
}
