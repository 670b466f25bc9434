package io.streamtune.launcher.chaos;

import io.streamtune.schemas.topics.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The Kafka side of a process cluster: {@link ChaosNodeMain}'s command lines for a KRaft node and
 * the schema registry, and the pipeline's topics.
 */
public final class KafkaNodes {

  private KafkaNodes() {}

  /**
   * Node {@code node} (1-based) of a KRaft cluster of {@code brokerPorts.size()} broker +
   * controller nodes, its data under {@code dir/broker-<node>}.
   */
  public static Supplier<List<String>> brokerCommand(
      Path dir,
      String clusterId,
      int node,
      List<Integer> brokerPorts,
      List<Integer> controllerPorts,
      boolean quickStart,
      String heap) {
    return () -> {
      List<String> command =
          ClusterJvm.command(ChaosNodeMain.class.getName(), quickStart, "-Xmx" + heap);
      command.addAll(
          List.of(
              "broker",
              dir.resolve("broker-" + node).toString(),
              clusterId,
              String.valueOf(node),
              csv(brokerPorts),
              csv(controllerPorts)));
      return command;
    };
  }

  /** The schema registry on {@code port}, stored in the cluster at {@code bootstrap}. */
  public static Supplier<List<String>> registryCommand(
      String bootstrap, int port, boolean quickStart) {
    return () -> {
      List<String> command =
          ClusterJvm.command(ChaosNodeMain.class.getName(), quickStart, "-Xmx256m");
      command.addAll(List.of("registry", bootstrap, String.valueOf(port)));
      return command;
    };
  }

  /**
   * Creates the pipeline's topics with {@code partitions} partitions of {@code replicas} replicas
   * each, {@code min.insync.replicas} one less (at least 1).
   */
  public static void createTopics(Admin admin, Topics topics, int partitions, int replicas)
      throws Exception {
    List<NewTopic> topicsToCreate = new ArrayList<>();
    for (String name : topics.allNames()) {
      Map<String, String> configs = new LinkedHashMap<>(topics.configsOf(name));
      configs.put("min.insync.replicas", String.valueOf(Math.max(1, replicas - 1)));
      topicsToCreate.add(new NewTopic(name, partitions, (short) replicas).configs(configs));
    }
    admin.createTopics(topicsToCreate).all().get(60, TimeUnit.SECONDS);
  }

  public static String csv(List<Integer> ports) {
    return ports.stream().map(String::valueOf).collect(Collectors.joining(","));
  }
}
