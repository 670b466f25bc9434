package io.streamtune.launcher.chaos;

import io.streamtune.embedded.EmbeddedKafkaBroker;
import io.streamtune.embedded.EmbeddedSchemaRegistry;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The chaos suite's infrastructure processes, one per JVM: {@code broker <dataDir> <clusterId>
 * <nodeId> <brokerPorts> <controllerPorts>} (a node of the KRaft cluster, comma-separated ports) or
 * {@code registry <bootstrap> <port>} (the embedded schema registry, stored in the cluster). Prints
 * {@value #UP} once serving and runs until killed.
 */
public final class ChaosNodeMain {

  public static final String UP = "chaos node up";

  private ChaosNodeMain() {}

  public static void main(String[] args) throws Exception {
    AutoCloseable node =
        switch (args[0]) {
          case "broker" ->
              EmbeddedKafkaBroker.startClusterNode(
                  Path.of(args[1]),
                  args[2],
                  Integer.parseInt(args[3]),
                  ports(args[4]),
                  ports(args[5]));
          case "registry" ->
              EmbeddedSchemaRegistry.start(
                  args[1], Integer.parseInt(args[2]), EmbeddedSchemaRegistry.DEFAULT_STORAGE_TOPIC);
          default -> throw new IllegalArgumentException("unknown node kind " + args[0]);
        };
    System.out.println(UP + ": " + String.join(" ", args));
    System.out.flush();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
    stop.await();
    node.close();
  }

  private static List<Integer> ports(String csv) {
    return Arrays.stream(csv.split(",")).map(Integer::valueOf).toList();
  }
}
