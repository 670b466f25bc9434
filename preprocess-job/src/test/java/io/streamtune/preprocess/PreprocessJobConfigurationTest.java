package io.streamtune.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.schemas.topics.Topics;
import java.time.Duration;
import org.apache.flink.configuration.RestartStrategyOptions;
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
  }
}
