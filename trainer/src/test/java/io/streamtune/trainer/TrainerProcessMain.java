package io.streamtune.trainer;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.TrainerSpec.DeviceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A trainer as its own OS process, for {@link TrainerKillRestartProcessTest} (not a unit test).
 *
 * <pre>
 *   TrainerProcessMain bootstrap registry-url topic-prefix spec.yaml store-root consumer-group
 * </pre>
 */
public final class TrainerProcessMain {

  private TrainerProcessMain() {}

  public static void main(String[] args) throws Exception {
    KafkaConnection kafka = new KafkaConnection(args[0], args[1], new Topics(args[2]));
    TrainerConfig config =
        TrainerConfig.of(
                kafka,
                PipelineSpecs.parse(Files.readString(Path.of(args[3])), args[3]),
                Path.of(args[4]))
            .withConsumerGroup(args[5])
            .withDevice(DeviceKind.CPU)
            .withPollTimeout(Duration.ofMillis(100));
    try (TrainerService service = new TrainerService(config)) {
      System.out.println(TrainerKillRestartProcessTest.UP_LINE);
      System.out.flush();
      service.run();
    }
  }
}
