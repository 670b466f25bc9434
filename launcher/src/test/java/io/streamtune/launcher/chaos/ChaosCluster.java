package io.streamtune.launcher.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.common.config.ConfigSource;
import io.streamtune.embedded.ChildJvm;
import io.streamtune.launcher.StreamtuneCli;
import io.streamtune.preprocess.PreprocessConfig;
import io.streamtune.preprocess.PreprocessJob;
import io.streamtune.schemas.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import java.util.stream.IntStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
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
  private static final String HOST = "127.0.0.1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Path spec;
  private final Topics topics = new Topics(PREFIX);
  private final String clusterId = UUID.randomUUID().toString();
  private final List<Integer> brokerPorts = freePorts(BROKERS);
  private final List<Integer> controllerPorts = freePorts(BROKERS);
  private final int registryPort = freePorts(1).get(0);
  private final int flinkRpcPort = freePorts(1).get(0);
  private final int flinkRestPort = freePorts(1).get(0);
  private final int servePort = freePorts(1).get(0);
  private final Map<ChaosKind, List<ChaosProcess>> processes = new EnumMap<>(ChaosKind.class);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  ChaosCluster(Path dir, Path spec) {
    this.dir = dir;
    this.spec = spec;
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
    return "http://" + HOST + ":" + flinkRestPort;
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
    add(ChaosKind.JOBMANAGER, "jobmanager", flinkCommand(StandaloneSessionClusterEntrypoint.class));
    for (int i = 1; i <= 2; i++) {
      add(ChaosKind.TASKMANAGER, "taskmanager-" + i, flinkCommand(TaskManagerRunner.class));
    }
    writeFlinkConfig();
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
    return () -> {
      List<String> command = jvm(ChaosNodeMain.class.getName(), "-Xmx384m");
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

  private java.util.function.Supplier<List<String>> registryCommand() {
    return () -> {
      List<String> command = jvm(ChaosNodeMain.class.getName(), "-Xmx256m");
      command.addAll(List.of("registry", bootstrap(), String.valueOf(registryPort)));
      return command;
    };
  }

  private java.util.function.Supplier<List<String>> flinkCommand(Class<?> main) {
    return () -> {
      List<String> command =
          jvm(
              main.getName(),
              "-Xmx448m",
              "-Dlog4j2.configurationFile=" + dir.resolve("flink-conf").resolve("log4j2.xml"));
      command.addAll(List.of("--configDir", dir.resolve("flink-conf").toString()));
      return command;
    };
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
    List<String> command = ChildJvm.command(main, options);
    command.add(1, "-XX:+UseSerialGC");
    command.add(1, "-XX:TieredStopAtLevel=1");
    return command;
  }

  private void createTopics() throws Exception {
    try (Admin admin = admin()) {
      List<NewTopic> topicsToCreate = new ArrayList<>();
      for (String name : topics.allNames()) {
        Map<String, String> configs = new LinkedHashMap<>(topics.configsOf(name));
        configs.put("min.insync.replicas", "2");
        topicsToCreate.add(new NewTopic(name, PARTITIONS, (short) BROKERS).configs(configs));
      }
      admin.createTopics(topicsToCreate).all().get(60, TimeUnit.SECONDS);
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

  private static final String FLINK_LOG4J =
      """
      <Configuration status="WARN" shutdownHook="disable">
        <Appenders>
          <Console name="console" target="SYSTEM_ERR">
            <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level %c{1} - %msg%n"/>
          </Console>
        </Appenders>
        <Loggers>
          <Logger name="org.apache.flink.runtime.checkpoint.CheckpointCoordinator" level="INFO"/>
          <Logger name="org.apache.flink.runtime.executiongraph" level="INFO"/>
          <Logger name="org.apache.flink.runtime.taskmanager.Task" level="INFO"/>
          <Logger name="org.apache.flink.runtime.dispatcher" level="INFO"/>
          <Logger name="org.apache.flink.connector.kafka.sink" level="INFO"/>
          <Root level="WARN"><AppenderRef ref="console"/></Root>
        </Loggers>
      </Configuration>
      """;

  private void writeFlinkConfig() throws IOException {
    Path conf = dir.resolve("flink-conf");
    Files.createDirectories(conf);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("jobmanager.rpc.address", HOST);
    settings.put("jobmanager.rpc.port", String.valueOf(flinkRpcPort));
    settings.put("jobmanager.bind-host", HOST);
    settings.put("rest.address", HOST);
    settings.put("rest.bind-address", HOST);
    settings.put("rest.port", String.valueOf(flinkRestPort));
    settings.put("taskmanager.bind-host", HOST);
    settings.put("taskmanager.host", HOST);
    settings.put("taskmanager.numberOfTaskSlots", "2");
    // a TaskManagerRunner started without Flink's scripts takes its memory budget as given, part
    // by part (the scripts compute these from a total), and its CPU cores
    settings.put("taskmanager.cpu.cores", "2");
    settings.put("taskmanager.memory.framework.heap.size", "64m");
    settings.put("taskmanager.memory.task.heap.size", "128m");
    settings.put("taskmanager.memory.framework.off-heap.size", "64m");
    settings.put("taskmanager.memory.task.off-heap.size", "0m");
    settings.put("taskmanager.memory.jvm-overhead.min", "64m");
    settings.put("taskmanager.memory.jvm-overhead.max", "64m");
    settings.put("taskmanager.memory.managed.size", "16m");
    settings.put("taskmanager.memory.network.min", "16m");
    settings.put("taskmanager.memory.network.max", "16m");
    settings.put("taskmanager.memory.jvm-metaspace.size", "128m");
    settings.put("jobmanager.memory.process.size", "640m");
    // one config for the JobManager and the TaskManagers: a restart in seconds
    settings.putAll(FlinkRecoverySettings.taskManager());
    // the REST API's job and checkpoint figures are cached this long (default 3 s)
    settings.put("web.refresh-interval", "200");
    settings.put("blob.server.port", "0");
    settings.put("taskmanager.rpc.port", "0");
    settings.put("taskmanager.data.port", "0");
    settings.put("classloader.check-leaked-classloader", "false");
    settings.put("io.tmp.dirs", dir.resolve("flink-tmp").toString());
    StringBuilder yaml = new StringBuilder();
    settings.forEach((key, value) -> yaml.append(key).append(": ").append(value).append('\n'));
    Files.writeString(conf.resolve("config.yaml"), yaml.toString());
    // the recovery timeline in each Flink process's log: task states, checkpoints, the sinks'
    // aborts
    Files.writeString(conf.resolve("log4j2.xml"), FLINK_LOG4J);
    Files.createDirectories(dir.resolve("flink-tmp"));
  }

  /** Waits until the JobManager's REST API answers; returns {@code System.nanoTime()}. */
  long awaitFlinkUp(long timeoutSeconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      if (get("/overview") != null) {
        return System.nanoTime();
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        "Flink REST not up in "
            + timeoutSeconds
            + " s:\n"
            + processes(ChaosKind.JOBMANAGER).get(0).tail());
  }

  /** The ids of the TaskManagers registered now. */
  Set<String> taskManagers() {
    JsonNode list = get("/taskmanagers");
    Set<String> ids = new HashSet<>();
    if (list != null) {
      list.path("taskmanagers").forEach(tm -> ids.add(tm.path("id").asText()));
    }
    return ids;
  }

  /**
   * Waits until at least {@code count} TaskManagers not in {@code known} are registered; returns
   * {@code System.nanoTime()} then.
   */
  long awaitTaskManagers(int count, Set<String> known, long timeoutSeconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      Set<String> now = taskManagers();
      now.removeAll(known);
      if (now.size() >= count) {
        return System.nanoTime();
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        "TaskManagers not registered in "
            + timeoutSeconds
            + " s:\n"
            + processes(ChaosKind.TASKMANAGER).get(0).tail());
  }

  /** Checkpoints the running preprocessing job has completed (0 when none runs). */
  long completedCheckpoints() {
    JsonNode jobs = get("/jobs/overview");
    if (jobs == null) {
      return 0;
    }
    for (JsonNode job : jobs.path("jobs")) {
      if ("RUNNING".equals(job.path("state").asText())) {
        JsonNode checkpoints = get("/jobs/" + job.path("jid").asText() + "/checkpoints");
        return checkpoints == null ? 0 : checkpoints.path("counts").path("completed").asLong();
      }
    }
    return 0;
  }

  /** The state of the preprocessing job on the JobManager, or null when it has none. */
  String jobState() {
    JsonNode jobs = get("/jobs/overview");
    if (jobs == null) {
      return null;
    }
    for (JsonNode job : jobs.path("jobs")) {
      String state = job.path("state").asText();
      if (PreprocessJob.JOB_NAME.equals(job.path("name").asText())
          && !List.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
        return state;
      }
    }
    return null;
  }

  /**
   * Submits the preprocessing job over REST (a RemoteStreamEnvironment, i.e. RestClusterClient): it
   * resumes from the newest retained checkpoint, as {@code preprocess.checkpoint.dir} makes it. The
   * TaskManagers have the job's classes on their class path, so no jar is shipped.
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
    PreprocessConfig config = PreprocessConfig.from(ConfigSource.of(keys));
    Configuration client = new Configuration();
    client.set(RestOptions.ADDRESS, HOST);
    client.set(RestOptions.PORT, flinkRestPort);
    // submitted while a restarted JobManager still starts: the client builds the job graph
    // meanwhile and posts it as soon as the REST API answers (by default it retries every 3 s)
    client.set(RestOptions.RETRY_MAX_ATTEMPTS, 1200);
    client.set(RestOptions.RETRY_DELAY, java.time.Duration.ofMillis(100));
    Exception last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        StreamExecutionEnvironment env =
            StreamExecutionEnvironment.createRemoteEnvironment(HOST, flinkRestPort, client);
        PreprocessJob.start(env, config);
        return;
      } catch (Exception e) {
        last = e;
        Thread.sleep(1_000);
      }
    }
    throw last;
  }

  private JsonNode get(String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(flinkUrl() + path))
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
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

  private static String csv(List<Integer> ports) {
    return ports.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  private static List<Integer> freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(HOST, 0));
        sockets.add(socket);
      }
      return IntStream.range(0, count).mapToObj(i -> sockets.get(i).getLocalPort()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing a probe socket
        }
      }
    }
  }
}
