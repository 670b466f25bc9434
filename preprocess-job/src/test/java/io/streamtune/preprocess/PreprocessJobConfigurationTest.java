package io.streamtune.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.preprocess.flink.AvroRecordSerializationSchema;
import io.streamtune.schemas.topics.Topics;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class PreprocessJobConfigurationTest {

  @Test
  void environmentGetsExactlyOnceCheckpointsBoundedRestartsAndParallelism() {
    PreprocessConfig config =
        PreprocessConfig.of(
                new KafkaConnection("localhost:1", "mock://x", Topics.withDefaultPrefix()),
                TestSpecs.credit())
            .withCheckpointInterval(Duration.ofMillis(750))
            .withParallelism(3)
            .withRestartAttempts(2);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);

    PreprocessJob.configureEnvironment(env, config);

    assertThat(env.getParallelism()).isEqualTo(3);
    assertThat(env.getCheckpointInterval()).isEqualTo(750);
    assertThat(env.getCheckpointingConsistencyMode()).isEqualTo(CheckpointingMode.EXACTLY_ONCE);
    assertThat(env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY))
        .isEqualTo("fixed-delay");
    assertThat(
            env.getConfiguration()
                .get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS))
        .isEqualTo(2);
    // a restored job's first checkpoint must not wait aligned behind the backlog it reads
    assertThat(env.getConfiguration().get(CheckpointingOptions.ENABLE_UNALIGNED)).isTrue();
    assertThat(env.getConfiguration().get(CheckpointingOptions.ALIGNED_CHECKPOINT_TIMEOUT))
        .isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void sinksNameTransactionsFromAPoolAndNameTheTopicsTheyWrite() {
    Topics topics = Topics.withDefaultPrefix();
    PreprocessConfig config =
        PreprocessConfig.of(
            new KafkaConnection("localhost:1", "mock://x", topics), TestSpecs.credit());

    // building a POOLING sink fails unless its serializer names its topics
    Sinks sinks = PreprocessJob.kafkaSinks(config);

    assertThat(PreprocessJob.RESTORE_QUICKLY).isEqualTo(TransactionNamingStrategy.POOLING);
    assertThat(sinks).isNotNull();
    assertThat(
            AvroRecordSerializationSchema.examples(
                    "mock://x",
                    Map.of(),
                    topics.name(Topics.EXAMPLES_TRAIN),
                    topics.name(Topics.EXAMPLES_HOLDOUT))
                .getKafkaDatasetFacet()
                .orElseThrow()
                .getTopicIdentifier()
                .getTopics())
        .containsExactly(topics.name(Topics.EXAMPLES_TRAIN), topics.name(Topics.EXAMPLES_HOLDOUT));
  }

  @Test
  void sinkProducersRetrySoonUnlessTheKafkaSettingsSayOtherwise() {
    Topics topics = Topics.withDefaultPrefix();
    KafkaConnection plain = new KafkaConnection("localhost:1", "mock://x", topics);
    KafkaConnection tuned =
        new KafkaConnection(
            "localhost:1", "mock://x", topics, Map.of("retry.backoff.ms", "250"), Map.of());

    assertThat(PreprocessJob.sinkProducerProperties(plain).getProperty("retry.backoff.ms"))
        .isEqualTo("10");
    assertThat(PreprocessJob.sinkProducerProperties(tuned).getProperty("retry.backoff.ms"))
        .isEqualTo("250");
    assertThat(PreprocessJob.sinkProducerProperties(plain).getProperty("bootstrap.servers"))
        .isEqualTo("localhost:1");
  }
}
