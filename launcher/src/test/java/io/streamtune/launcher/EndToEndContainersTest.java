package io.streamtune.launcher;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.schemas.topics.Topics;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The end-to-end scenario against real Kafka and Confluent Schema Registry containers. Reported as
 * skipped where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class EndToEndContainersTest {

  static final Network NETWORK = Network.newNetwork();

  @Container
  static final KafkaContainer KAFKA =
      new KafkaContainer("apache/kafka:4.2.0")
          .withNetwork(NETWORK)
          .withNetworkAliases("kafka")
          .withListener("kafka:19092");

  @Container
  static final GenericContainer<?> REGISTRY =
      new GenericContainer<>("confluentinc/cp-schema-registry:7.9.5")
          .withNetwork(NETWORK)
          .dependsOn(KAFKA)
          .withExposedPorts(8081)
          .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
          .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
          .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
          .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));

  @Test
  void creditDataFlowsToEvaluationReportsAndReconciles(@TempDir Path workDir) throws Exception {
    Topics topics = Topics.withDefaultPrefix();
    try (Admin admin =
        Admin.create(
            java.util.Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers()))) {
      List<NewTopic> newTopics =
          topics.allNames().stream()
              .map(name -> new NewTopic(name, 2, (short) 1).configs(topics.configsOf(name)))
              .toList();
      admin.createTopics(newTopics).all().get();
    }
    String registryUrl = "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8081);
    EndToEndScenario.run(
        new KafkaConnection(KAFKA.getBootstrapServers(), registryUrl, topics), workDir);
  }
}
