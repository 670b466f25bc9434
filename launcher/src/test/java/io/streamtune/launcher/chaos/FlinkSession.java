package io.streamtune.launcher.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.preprocess.PreprocessConfig;
import io.streamtune.preprocess.PreprocessJob;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint;
import org.apache.flink.runtime.rest.messages.job.SubtaskExecutionAttemptDetailsInfo;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink standalone session cluster whose JobManager and TaskManagers are OS processes on
 * 127.0.0.1 started from this JVM's class path (no jar is shipped): their shared configuration
 * directory, their command lines, what the JobManager's REST API says, and the preprocessing job
 * submitted over REST. The chaos suite's cluster and the preprocessing benchmark across two
 * TaskManagers ({@code PreprocessClusterBenchmark}) use it.
 */
public final class FlinkSession {

  /**
   * How the TaskManagers are sized and their JVMs run.
   *
   * @param slotsPerTaskManager task slots of each TaskManager
   * @param heap each Flink JVM's {@code -Xmx}
   * @param taskHeap {@code taskmanager.memory.task.heap.size}
   * @param network {@code taskmanager.memory.network.min} and {@code max}
   * @param quickStart whether the JVMs run as {@link ClusterJvm#command} starts quick ones (C1
   *     only, serial GC: restarts in seconds) rather than for throughput
   */
  public record Sizing(
      int slotsPerTaskManager, String heap, String taskHeap, String network, boolean quickStart) {

    /** The chaos suite's: two slots each, small heaps, quick restarts. */
    public static final Sizing CHAOS = new Sizing(2, "448m", "128m", "16m", true);
  }

  private static final String HOST = ClusterJvm.HOST;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Sizing sizing;
  private final int rpcPort = ClusterJvm.freePorts(1).get(0);
  private final int restPort = ClusterJvm.freePorts(1).get(0);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * @param dir where the configuration ({@code flink-conf}) and the temporary files go
   */
  public FlinkSession(Path dir, Sizing sizing) {
    this.dir = dir;
    this.sizing = sizing;
  }

  public String url() {
    return "http://" + HOST + ":" + restPort;
  }

  private Path confDir() {
    return dir.resolve("flink-conf");
  }

  /** The JobManager's command line ({@code StandaloneSessionClusterEntrypoint}). */
  public Supplier<List<String>> jobManagerCommand() {
    return command(StandaloneSessionClusterEntrypoint.class, null);
  }

  /**
   * A TaskManager's command line; with a {@code resourceId} it registers under that id (so the REST
   * API names where subtasks run), without one under a fresh id each start (the chaos suite tells a
   * restarted TaskManager from the old one by it).
   */
  public Supplier<List<String>> taskManagerCommand(String resourceId) {
    return command(TaskManagerRunner.class, resourceId);
  }

  private Supplier<List<String>> command(Class<?> main, String resourceId) {
    return () -> {
      List<String> command =
          ClusterJvm.command(
              main.getName(),
              sizing.quickStart(),
              "-Xmx" + sizing.heap(),
              "-Dlog4j2.configurationFile=" + confDir().resolve("log4j2.xml"));
      command.addAll(List.of("--configDir", confDir().toString()));
      if (resourceId != null) {
        command.addAll(List.of("-D", "taskmanager.resource-id=" + resourceId));
      }
      return command;
    };
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

  /** Writes the configuration every Flink process of this session reads; before their start. */
  public void writeConfig() throws IOException {
    Path conf = confDir();
    Files.createDirectories(conf);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("jobmanager.rpc.address", HOST);
    settings.put("jobmanager.rpc.port", String.valueOf(rpcPort));
    settings.put("jobmanager.bind-host", HOST);
    settings.put("rest.address", HOST);
    settings.put("rest.bind-address", HOST);
    settings.put("rest.port", String.valueOf(restPort));
    settings.put("taskmanager.bind-host", HOST);
    settings.put("taskmanager.host", HOST);
    settings.put("taskmanager.numberOfTaskSlots", String.valueOf(sizing.slotsPerTaskManager()));
    // a TaskManagerRunner started without Flink's scripts takes its memory budget as given, part
    // by part (the scripts compute these from a total), and its CPU cores
    settings.put("taskmanager.cpu.cores", "2");
    settings.put("taskmanager.memory.framework.heap.size", "64m");
    settings.put("taskmanager.memory.task.heap.size", sizing.taskHeap());
    settings.put("taskmanager.memory.framework.off-heap.size", "64m");
    settings.put("taskmanager.memory.task.off-heap.size", "0m");
    settings.put("taskmanager.memory.jvm-overhead.min", "64m");
    settings.put("taskmanager.memory.jvm-overhead.max", "64m");
    settings.put("taskmanager.memory.managed.size", "16m");
    settings.put("taskmanager.memory.network.min", sizing.network());
    settings.put("taskmanager.memory.network.max", sizing.network());
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

  /**
   * Waits until the JobManager's REST API answers; returns {@code System.nanoTime()}.
   *
   * @param logTail what the JobManager logged, for the error
   */
  public long awaitUp(long timeoutSeconds, Supplier<String> logTail) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      if (get("/overview") != null) {
        return System.nanoTime();
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        "Flink REST not up in " + timeoutSeconds + " s:\n" + logTail.get());
  }

  /** The ids of the TaskManagers registered now. */
  public Set<String> taskManagers() {
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
  public long awaitTaskManagers(
      int count, Set<String> known, long timeoutSeconds, Supplier<String> logTail)
      throws Exception {
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
        "TaskManagers not registered in " + timeoutSeconds + " s:\n" + logTail.get());
  }

  /** Checkpoints the running job has completed (0 when none runs). */
  public long completedCheckpoints() {
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
  public String jobState() {
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
   * Where each operator chain's subtasks of a job run now: per vertex (by name) the TaskManager id
   * of each subtask in order, as the REST API reports them ({@code /jobs/<id>/vertices/<id>}).
   */
  public Map<String, List<String>> placements(String jobId) {
    Map<String, List<String>> placements = new LinkedHashMap<>();
    JsonNode job = get("/jobs/" + jobId);
    if (job == null) {
      return placements;
    }
    for (JsonNode vertex : job.path("vertices")) {
      JsonNode details = get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText());
      if (details != null) {
        placements.put(vertex.path("name").asText(), subtaskTaskManagers(details));
      }
    }
    return placements;
  }

  /**
   * The TaskManager of each subtask in a vertex's REST details, in subtask order: its {@code
   * taskmanager-id}, or its {@code endpoint} (host:port) when the id is missing.
   */
  static List<String> subtaskTaskManagers(JsonNode vertexDetails) {
    List<JsonNode> subtasks = new ArrayList<>();
    vertexDetails.path("subtasks").forEach(subtasks::add);
    subtasks.sort(
        java.util.Comparator.comparingInt(
            s -> s.path(SubtaskExecutionAttemptDetailsInfo.FIELD_NAME_SUBTASK_INDEX).asInt()));
    List<String> where = new ArrayList<>();
    for (JsonNode subtask : subtasks) {
      String id =
          subtask.path(SubtaskExecutionAttemptDetailsInfo.FIELD_NAME_TASKMANAGER_ID).asText("");
      if (id.isEmpty()) {
        id = subtask.path(SubtaskExecutionAttemptDetailsInfo.FIELD_NAME_ENDPOINT).asText("?");
      }
      where.add(id);
    }
    return where;
  }

  /**
   * Submits the preprocessing job over REST (a RemoteStreamEnvironment, i.e. RestClusterClient):
   * the TaskManagers have the job's classes on their class path, so no jar is shipped. While the
   * JobManager still starts, the client builds the job graph and posts it as soon as the REST API
   * answers; a failed submission is tried again up to 5 times, a second apart.
   */
  public JobClient submit(PreprocessConfig config) throws Exception {
    Configuration client = new Configuration();
    client.set(RestOptions.ADDRESS, HOST);
    client.set(RestOptions.PORT, restPort);
    // by default the client retries every 3 s
    client.set(RestOptions.RETRY_MAX_ATTEMPTS, 1200);
    client.set(RestOptions.RETRY_DELAY, java.time.Duration.ofMillis(100));
    Exception last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        StreamExecutionEnvironment env =
            StreamExecutionEnvironment.createRemoteEnvironment(HOST, restPort, client);
        return PreprocessJob.start(env, config);
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
              HttpRequest.newBuilder(URI.create(url() + path))
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
}
