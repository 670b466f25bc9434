package io.streamtune.launcher.chaos;

import io.streamtune.common.config.ConfigSource;
import io.streamtune.launcher.StreamtuneCli;
import io.streamtune.preprocess.PreprocessConfig;
import io.streamtune.schemas.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The chaos suite's cluster, every part its own OS process on 127.0.0.1: three KRaft nodes (broker
 * + controller, a quorum of three; pipeline topics with 3 replicas and {@code min.insync.replicas}
 * 2), the schema registry stored in that cluster, a Flink standalone session cluster (a JobManager
 * and two TaskManagers, a filesystem checkpoint directory) running the preprocessing job submitted
 * over REST, and {@code streamtune trainer}, {@code evaluator} and {@code serve}.
 */
final class ChaosCluster implements AutoCloseable {

  static final String PREFIX = "chaos.";
  static final String MODEL = "chaos";
  static final int BROKERS = 3;
  static final int PARTITIONS = 2;
  private static final String HOST = ClusterJvm.HOST;

  private final Path dir;
  private final Path spec;
  private final Topics topics = new Topics(PREFIX);
  private final String clusterId = UUID.randomUUID().toString();
  private final List<Integer> brokerPorts = freePorts(BROKERS);
  private final List<Integer> controllerPorts = freePorts(BROKERS);
  private final int registryPort = freePorts(1).get(0);
  private final int servePort = freePorts(1).get(0);
  private final Map<ChaosKind, List<ChaosProcess>> processes = new EnumMap<>(ChaosKind.class);
  private final FlinkSession flink;

  ChaosCluster(Path dir, Path spec) {
    this.dir = dir;
    this.spec = spec;
    this.flink = new FlinkSession(dir, FlinkSession.Sizing.CHAOS);
  }

  String bootstrap() {
    return brokerPorts.stream().map(p -> HOST + ":" + p).collect(Collectors.joining(","));
  }

  String registryUrl() {
    return "http://" + HOST + ":" + registryPort;
  }

  String serveUrl() {
    return "http://" + HOST + ":" + servePort + "/predict";
  }

  String flinkUrl() {
    return flink.url();
  }

  Topics topics() {
    return topics;
  }

  Path store() {
    return dir.resolve("store");
  }

  Path logs() {
    return dir.resolve("logs");
  }

  List<ChaosProcess> processes(ChaosKind kind) {
    return processes.getOrDefault(kind, List.of());
  }

  /** Starts every process and the job; returns when serve answers a prediction. */
  void start() throws Exception {
    Files.createDirectories(logs());
    for (int node = 1; node <= BROKERS; node++) {
      add(ChaosKind.BROKER, "broker-" + node, brokerCommand(node));
    }
    startAll(ChaosKind.BROKER);
    for (ChaosProcess broker : processes(ChaosKind.BROKER)) {
      broker.awaitLine(ChaosNodeMain.UP, 120);
    }
    createTopics();
    add(ChaosKind.REGISTRY, "registry", registryCommand());
    add(ChaosKind.JOBMANAGER, "jobmanager", flink.jobManagerCommand());
    for (int i = 1; i <= 2; i++) {
      add(ChaosKind.TASKMANAGER, "taskmanager-" + i, flink.taskManagerCommand(null));
    }
    flink.writeConfig();
    startAll(ChaosKind.REGISTRY);
    startAll(ChaosKind.JOBMANAGER);
    startAll(ChaosKind.TASKMANAGER);
    processes(ChaosKind.REGISTRY).get(0).awaitLine(ChaosNodeMain.UP, 120);
    add(ChaosKind.TRAINER, "trainer", serviceCommand("trainer"));
    add(ChaosKind.EVALUATOR, "evaluator", serviceCommand("evaluator"));
    add(ChaosKind.SERVE, "serve", serviceCommand("serve"));
    startAll(ChaosKind.TRAINER);
    startAll(ChaosKind.EVALUATOR);
    startAll(ChaosKind.SERVE);
    awaitFlinkUp(180);
    awaitTaskManagers(2, Set.of(), 180);
    submitJob();
    for (ChaosKind kind : List.of(ChaosKind.TRAINER, ChaosKind.EVALUATOR, ChaosKind.SERVE)) {
      awaitUp(processes(kind).get(0), Set.of());
    }
  }

  private void add(ChaosKind kind, String name, java.util.function.Supplier<List<String>> command) {
    processes
        .computeIfAbsent(kind, k -> new ArrayList<>())
        .add(new ChaosProcess(name, kind, command, logs()));
  }

  private void startAll(ChaosKind kind) throws IOException {
    for (ChaosProcess process : processes(kind)) {
      process.start();
    }
  }

  /**
   * Waits until a restarted process is up: its "up" or "started" line, or for Flink a REST answer
   * (JobManager) or a TaskManager id not in {@code knownTaskManagers}; returns {@code
   * System.nanoTime()} then.
   */
  long awaitUp(ChaosProcess process, Set<String> knownTaskManagers) throws Exception {
    return switch (process.kind()) {
      case BROKER, REGISTRY -> process.awaitLine(ChaosNodeMain.UP, 120);
      case JOBMANAGER -> awaitFlinkUp(120);
      case TASKMANAGER -> awaitTaskManagers(1, knownTaskManagers, 120);
      case TRAINER -> process.awaitLine("trainer for model " + MODEL + " consuming", 120);
      case EVALUATOR -> process.awaitLine("evaluator started", 120);
      case SERVE -> process.awaitLine("serve started", 120);
      case INGEST -> process.awaitLine("ingest to ", 120);
    };
  }

  private java.util.function.Supplier<List<String>> brokerCommand(int node) {
    return KafkaNodes.brokerCommand(
        dir, clusterId, node, brokerPorts, controllerPorts, true, "384m");
  }

  private java.util.function.Supplier<List<String>> registryCommand() {
    return KafkaNodes.registryCommand(bootstrap(), registryPort, true);
  }

  private java.util.function.Supplier<List<String>> serviceCommand(String service) {
    return () -> {
      List<String> command =
          jvm(
              StreamtuneCli.class.getName(),
              "-Xmx384m",
              "-Dlog4j2.configurationFile=streamtune-log4j2.xml",
              "-Dstreamtune.log.level=INFO");
      command.add(service);
      command.addAll(commonArgs());
      command.add("--" + service + ".model.store=" + store());
      command.add("--" + service + ".poll.timeout.ms=100");
      command.add("--metrics.port=-1");
      switch (service) {
        case "trainer" -> command.add("--trainer.device=cpu");
        case "serve" -> command.add("--serve.http.port=" + servePort);
        default -> {}
      }
      return command;
    };
  }

  List<String> commonArgs() {
    return List.of(
        "--kafka.bootstrap.servers=" + bootstrap(),
        "--schema.registry.url=" + registryUrl(),
        "--topic.prefix=" + PREFIX,
        "--pipeline.spec=" + spec);
  }

  /**
   * {@code streamtune ingest} of a CSV at a rate, as a process of kind {@link ChaosKind#INGEST}
   * (not started).
   */
  ChaosProcess ingest(Path csv, double rate) {
    add(ChaosKind.INGEST, "ingest", ingestCommand(csv, rate));
    return processes(ChaosKind.INGEST).get(0);
  }

  private java.util.function.Supplier<List<String>> ingestCommand(Path csv, double rate) {
    return () -> {
      List<String> command =
          jvm(
              StreamtuneCli.class.getName(),
              "-Xmx384m",
              "-Dlog4j2.configurationFile=streamtune-log4j2.xml");
      command.addAll(
          List.of(
              "ingest",
              "--csv=" + csv,
              "--pipeline=" + spec,
              "--id-column=id",
              "--rate=" + rate,
              "--ledger-dir=" + dir.resolve("ledger"),
              "--bootstrap-servers=" + bootstrap(),
              "--schema-registry-url=" + registryUrl(),
              "--topic-prefix=" + PREFIX));
      return command;
    };
  }

  private static List<String> jvm(String main, String... options) {
    return ClusterJvm.command(main, true, options);
  }

  private void createTopics() throws Exception {
    try (Admin admin = admin()) {
      KafkaNodes.createTopics(admin, topics, PARTITIONS, BROKERS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!fullIsr(admin, 0) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
    }
  }

  Admin admin() {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    return Admin.create(config);
  }

  /**
   * Whether every partition of the pipeline's topics has all its replicas in sync ({@code node} 0)
   * or has node {@code node} in its ISR wherever it is a replica.
   */
  boolean fullIsr(Admin admin, int node) {
    try {
      Map<String, TopicDescription> described =
          admin.describeTopics(topics.allNames()).allTopicNames().get(10, TimeUnit.SECONDS);
      for (TopicDescription topic : described.values()) {
        for (TopicPartitionInfo partition : topic.partitions()) {
          Set<Integer> isr = new HashSet<>();
          partition.isr().forEach(n -> isr.add(n.id()));
          if (partition.leader() == null) {
            return false;
          }
          for (var replica : partition.replicas()) {
            if ((node == 0 || replica.id() == node) && !isr.contains(replica.id())) {
              return false;
            }
          }
        }
      }
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** Waits until the JobManager's REST API answers; returns {@code System.nanoTime()}. */
  long awaitFlinkUp(long timeoutSeconds) throws Exception {
    return flink.awaitUp(timeoutSeconds, () -> tail(ChaosKind.JOBMANAGER));
  }

  /** The ids of the TaskManagers registered now. */
  Set<String> taskManagers() {
    return flink.taskManagers();
  }

  /**
   * Waits until at least {@code count} TaskManagers not in {@code known} are registered; returns
   * {@code System.nanoTime()} then.
   */
  long awaitTaskManagers(int count, Set<String> known, long timeoutSeconds) throws Exception {
    return flink.awaitTaskManagers(count, known, timeoutSeconds, () -> tail(ChaosKind.TASKMANAGER));
  }

  private String tail(ChaosKind kind) {
    try {
      return processes(kind).get(0).tail();
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Checkpoints the running preprocessing job has completed (0 when none runs). */
  long completedCheckpoints() {
    return flink.completedCheckpoints();
  }

  /** The state of the preprocessing job on the JobManager, or null when it has none. */
  String jobState() {
    return flink.jobState();
  }

  /**
   * Submits the preprocessing job over REST: it resumes from the newest retained checkpoint, as
   * {@code preprocess.checkpoint.dir} makes it.
   */
  void submitJob() throws Exception {
    Map<String, String> keys = new LinkedHashMap<>();
    for (String arg : commonArgs()) {
      String[] pair = arg.substring(2).split("=", 2);
      keys.put(pair[0], pair[1]);
    }
    keys.put("preprocess.checkpoint.dir", dir.resolve("checkpoints").toString());
    keys.put("preprocess.checkpoint.interval.ms", "1000");
    keys.put("preprocess.restart.attempts", "1000");
    keys.put("preprocess.parallelism", "2");
    flink.submit(PreprocessConfig.from(ConfigSource.of(keys)));
  }

  /** Services first (SIGTERM), then Flink, the registry, the brokers. */
  @Override
  public void close() throws Exception {
    for (ChaosKind kind :
        List.of(
            ChaosKind.INGEST,
            ChaosKind.SERVE,
            ChaosKind.EVALUATOR,
            ChaosKind.TRAINER,
            ChaosKind.TASKMANAGER,
            ChaosKind.JOBMANAGER,
            ChaosKind.REGISTRY,
            ChaosKind.BROKER)) {
      for (ChaosProcess process : processes(kind)) {
        if (kind == ChaosKind.BROKER || kind == ChaosKind.TASKMANAGER) {
          process.kill();
        } else {
          process.stop();
        }
      }
    }
  }

  private static List<Integer> freePorts(int count) {
    return ClusterJvm.freePorts(count);
  }
}
