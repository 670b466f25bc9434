package io.streamtune.preprocess;

import static io.streamtune.preprocess.TestSpecs.tabular;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.preprocess.core.Splitter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.SamplingSpec;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job with SMOTE + Tomek rebalancing to minority:majority = 1:2, on a MiniCluster against the
 * embedded broker: the training topic ends on the target ratio, the holdout topic is exactly what
 * the splitter sent there, untouched.
 */
class PreprocessJobRebalanceKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final int RECORDS = 1500;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void trainingTopicIsRebalancedToTheTargetAndTheHoldoutIsUntouched() throws Exception {
    SamplingSpec sampling =
        SamplingSpec.of(SamplingSpec.Method.SMOTE_TOMEK)
            .withTarget("1:2")
            .withStreaming(1_000, 200, 1_000);
    PipelineSpec spec = TestSpecs.credit().withSampling(sampling);
    Topics topics = KAFKA.topics();
    String rawTopic = topics.name(Topics.RAW);
    String registry = KAFKA.schemaRegistryUrl();

    Splitter splitter = Splitter.of(spec.split());
    Set<String> expectedTrain = new HashSet<>();
    Set<String> expectedHoldout = new HashSet<>();
    List<String> trainInOrder = new java.util.ArrayList<>();
    Serializer<RawRecord> serializer = AvroSerdes.valueSerializer(registry);
    try (KafkaProducer<String, byte[]> producer = JobTestKit.byteProducer(KAFKA)) {
      Random random = new Random(17);
      for (int i = 0; i < RECORDS; i++) {
        String id = "rec-" + i;
        boolean bad = random.nextDouble() < 0.08;
        RawRecord record =
            tabular(
                id,
                bad ? "bad" : "good",
                "Income",
                (bad ? 60 : 120) + 40 * random.nextGaussian(),
                "Age",
                String.valueOf((bad ? 25 : 40) + random.nextInt(20)),
                "Home",
                random.nextBoolean() ? "owner" : "rent");
        producer.send(new ProducerRecord<>(rawTopic, id, serializer.serialize(rawTopic, record)));
        (splitter.splitOf(id) == Split.TRAIN ? expectedTrain : expectedHoldout).add(id);
        if (splitter.splitOf(id) == Split.TRAIN) {
          trainInOrder.add(id);
        }
      }
      producer.flush();
    }

    KafkaConnection kafka = new KafkaConnection(KAFKA.bootstrapServers(), registry, topics);
    PreprocessConfig config =
        PreprocessConfig.of(kafka, spec)
            .withConsumerGroup("preprocess-rebalance-test")
            .withCheckpointInterval(Duration.ofMillis(500))
            .withRestartAttempts(1);
    JobClient job =
        PreprocessJob.start(StreamExecutionEnvironment.createLocalEnvironment(), config);
    try {
      List<ConsumerRecord<String, Example>> holdout =
          JobTestKit.read(
              KAFKA, topics.name(Topics.EXAMPLES_HOLDOUT), Example.class, expectedHoldout.size());
      // the last training examples wait in the cleaning window until the stream is quiet for 1 s
      List<Example> train =
          TopicReader.readAll(
                  KAFKA.bootstrapServers(),
                  topics.name(Topics.EXAMPLES_TRAIN),
                  AvroSerdes.valueDeserializer(registry, Example.class),
                  Duration.ofSeconds(8))
              .stream()
              .map(ConsumerRecord::value)
              .toList();

      // holdout: exactly the splitter's ids, each once, none synthetic
      assertThat(holdout.stream().map(ConsumerRecord::key).toList())
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(expectedHoldout);
      assertThat(holdout)
          .allMatch(r -> r.value().getSplit() == Split.HOLDOUT)
          .allMatch(r -> !r.value().getSynthetic() && r.value().getParentIds().isEmpty())
          .allMatch(r -> r.value().getId().equals(r.value().getSourceId()));

      // train: every original at most once, from the train split; synthetic ones from train ids
      assertThat(train.stream().map(Example::getId).toList()).doesNotHaveDuplicates();
      assertThat(train).allMatch(e -> e.getSplit() == Split.TRAIN);
      List<Example> originals = train.stream().filter(e -> !e.getSynthetic()).toList();
      List<Example> synthetic = train.stream().filter(Example::getSynthetic).toList();
      assertThat(originals).extracting(Example::getId).allMatch(expectedTrain::contains);
      int cleanedAway = expectedTrain.size() - originals.size();
      assertThat(cleanedAway).isBetween(1, expectedTrain.size() / 10);
      // the last ones waited in the cleaning window until the idle flush decided them
      Set<String> emitted = new HashSet<>();
      originals.forEach(e -> emitted.add(e.getId()));
      List<String> lastTrain = trainInOrder.subList(trainInOrder.size() - 50, trainInOrder.size());
      assertThat(lastTrain.stream().filter(emitted::contains).count()).isGreaterThan(40);
      assertThat(synthetic).isNotEmpty();
      for (Example example : synthetic) {
        assertThat(example.getLabel()).isEqualTo("bad");
        assertThat(example.getParentIds()).hasSize(2).allMatch(expectedTrain::contains);
        assertThat(example.getId()).startsWith(example.getParentIds().get(0) + "#smote-");
        assertThat(example.getSourceId()).isEqualTo(example.getParentIds().get(0));
        assertThat(example.getAugmentedFrom()).isEqualTo(example.getParentIds().get(0));
        assertThat(example.getFeatures()).hasSize(spec.featureNames().size());
      }

      long bad = train.stream().filter(e -> e.getLabel().equals("bad")).count();
      double badShare = bad / (double) train.size();
      assertThat(badShare)
          .as("bad share of %d examples", train.size())
          .isBetween(1.0 / 3 - 0.02, 1.0 / 3 + 0.02);
      long badOriginals = originals.stream().filter(e -> e.getLabel().equals("bad")).count();
      assertThat(badOriginals / (double) originals.size()).isLessThan(0.15); // it was imbalanced
    } finally {
      JobTestKit.cancelAndAwait(job);
    }
  }
}
