package io.streamtune.launcher;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on the embedded broker + registry and a Flink MiniCluster. */
class EndToEndTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @Test
  void creditDataFlowsToEvaluationReportsAndReconciles(@TempDir Path workDir) throws Exception {
    EndToEndScenario.run(
        new KafkaConnection(KAFKA.bootstrapServers(), KAFKA.schemaRegistryUrl(), KAFKA.topics()),
        workDir);
  }
}
