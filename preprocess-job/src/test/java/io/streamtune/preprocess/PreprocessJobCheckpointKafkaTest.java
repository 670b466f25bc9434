package io.streamtune.preprocess;

import static io.streamtune.preprocess.TestSpecs.tabular;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.preprocess.core.Splitter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job stopped and started again in a fresh environment (as after a lost JVM) with a checkpoint
 * directory: it resumes from the retained checkpoint, so its fitted statistics go on instead of
 * starting over, and nothing is written twice.
 */
class PreprocessJobCheckpointKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final PipelineSpec SPEC = TestSpecs.credit();

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aRestartedJobResumesItsFittedStateFromTheRetainedCheckpoint(@TempDir Path checkpoints)
      throws Exception {
    Topics topics = KAFKA.topics();
    PreprocessConfig config =
        PreprocessConfig.of(
                new KafkaConnection(KAFKA.bootstrapServers(), KAFKA.schemaRegistryUrl(), topics),
                SPEC)
            .withConsumerGroup("preprocess-checkpoint-test")
            .withCheckpointInterval(Duration.ofMillis(300))
            .withRestartAttempts(1)
            .withCheckpointDir(checkpoints.toString());
    String trainTopic = topics.name(Topics.EXAMPLES_TRAIN);

    int firstTrain = produce(0, 80);
    JobClient first = PreprocessJob.start(PreprocessJob.localEnvironment(1), config);
    List<ConsumerRecord<String, Example>> before;
    try {
      before = JobTestKit.read(KAFKA, trainTopic, Example.class, firstTrain);
      // one more checkpoint after the output is visible, so the state holds all of it
      Thread.sleep(1_000);
    } finally {
      JobTestKit.cancelAndAwait(first);
    }
    assertThat(RetainedCheckpoints.latest(checkpoints)).isPresent();

    int secondTrain = produce(80, 80);
    JobClient second = PreprocessJob.start(PreprocessJob.localEnvironment(1), config);
    List<ConsumerRecord<String, Example>> all;
    try {
      all = JobTestKit.read(KAFKA, trainTopic, Example.class, firstTrain + secondTrain);
    } finally {
      JobTestKit.cancelAndAwait(second);
    }

    // nothing twice, nothing lost
    assertThat(JobTestKit.uniqueKeys(all)).hasSize(firstTrain + secondTrain);
    long lastBefore =
        before.stream().mapToLong(r -> r.value().getTransformVersion()).max().orElseThrow();
    List<Long> after =
        all.stream()
            .filter(r -> Integer.parseInt(r.key().substring(4)) >= 80)
            .map(r -> r.value().getTransformVersion())
            .toList();
    // before: a fresh job fitted from scratch, its first example had transform version 1
    assertThat(lastBefore).isEqualTo(firstTrain);
    assertThat(after).hasSize(secondTrain).allMatch(version -> version > lastBefore);
    assertThat(after.stream().mapToLong(Long::longValue).max().orElseThrow())
        .isEqualTo(firstTrain + secondTrain);
  }

  /** Produces rows from..from+count-1; returns how many of them the split puts in train. */
  private static int produce(int from, int count) throws Exception {
    String topic = KAFKA.topics().name(Topics.RAW);
    Serializer<RawRecord> serializer = AvroSerdes.valueSerializer(KAFKA.schemaRegistryUrl());
    Splitter splitter = Splitter.of(SPEC.split());
    int train = 0;
    try (KafkaProducer<String, byte[]> producer = JobTestKit.byteProducer(KAFKA)) {
      for (int i = from; i < from + count; i++) {
        String id = "rec-" + i;
        RawRecord record =
            tabular(
                id,
                i % 3 == 0 ? "bad" : "good",
                "Income",
                50.0 + i,
                "Age",
                String.valueOf(20 + i % 40),
                "Home",
                i % 2 == 0 ? "rent" : "owner");
        producer.send(new ProducerRecord<>(topic, id, serializer.serialize(topic, record))).get();
        if (splitter.splitOf(id) == Split.TRAIN) {
          train++;
        }
      }
    }
    return train;
  }
}
