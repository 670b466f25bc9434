package io.streamtune.launcher.bench;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedStack;
import io.streamtune.launcher.chaos.ChaosKind;
import io.streamtune.launcher.chaos.ChaosNodeMain;
import io.streamtune.launcher.chaos.ChaosProcess;
import io.streamtune.launcher.chaos.ClusterJvm;
import io.streamtune.launcher.chaos.FlinkSession;
import io.streamtune.launcher.chaos.KafkaNodes;
import io.streamtune.preprocess.PreprocessConfig;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Records per second of the preprocess job at parallelism 2 on a Flink standalone session cluster
 * of separate processes, the chaos suite's harness ({@link FlinkSession}, {@link KafkaNodes},
 * {@link ChaosProcess}): one KRaft broker, the schema registry, a JobManager and two TaskManagers
 * of one slot each (so the two subtasks of each parallel operator run in different JVMs and the
 * records cross a TCP hop between them), each its own JVM. This JVM produces the CSV replayed to N
 * records (not timed, as {@link PreprocessBenchmark} does), then submits the job over REST {@code
 * runs} times, each from the start of the raw topic under a fresh consumer group, and counts the
 * committed output as {@link PreprocessBenchmark} does; each run prints where the subtasks ran and
 * the CPU seconds each process used (from {@code /proc/<pid>/stat}).
 *
 * <p>Arguments: csv, spec, records, runs. Run by bench/preprocessing_cluster.sh.
 */
public final class PreprocessClusterBenchmark {

  static final int PARALLELISM = 2;
  static final int TASK_MANAGERS = 2;

  /** One slot per TaskManager; heaps for throughput, not the chaos suite's quick restarts. */
  static final FlinkSession.Sizing SIZING = new FlinkSession.Sizing(1, "1g", "512m", "64m", false);

  public static void main(String[] args) throws Exception {
    Path csv = Path.of(args[0]);
    PipelineSpec spec = PipelineSpecs.load(Path.of(args[1]));
    long records = Long.parseLong(args[2]);
    int runs = Integer.parseInt(args[3]);
    Path dir = Files.createTempDirectory("streamtune-cluster-bench");
    Topics topics = new Topics(Topics.DEFAULT_PREFIX);
    Path logs = dir.resolve("logs");
    Files.createDirectories(logs);
    int brokerPort = ClusterJvm.freePorts(1).get(0);
    int controllerPort = ClusterJvm.freePorts(1).get(0);
    int registryPort = ClusterJvm.freePorts(1).get(0);
    String bootstrap = ClusterJvm.HOST + ":" + brokerPort;
    FlinkSession flink = new FlinkSession(dir, SIZING);
    Map<String, ChaosProcess> processes = new LinkedHashMap<>();
    processes.put(
        "broker",
        new ChaosProcess(
            "broker",
            ChaosKind.BROKER,
            KafkaNodes.brokerCommand(
                dir,
                UUID.randomUUID().toString(),
                1,
                List.of(brokerPort),
                List.of(controllerPort),
                false,
                "1g"),
            logs));
    processes.put(
        "registry",
        new ChaosProcess(
            "registry",
            ChaosKind.REGISTRY,
            KafkaNodes.registryCommand(bootstrap, registryPort, false),
            logs));
    processes.put(
        "jobmanager",
        new ChaosProcess("jobmanager", ChaosKind.JOBMANAGER, flink.jobManagerCommand(), logs));
    for (int i = 1; i <= TASK_MANAGERS; i++) {
      String name = "taskmanager-" + i;
      processes.put(
          name,
          new ChaosProcess(name, ChaosKind.TASKMANAGER, flink.taskManagerCommand(name), logs));
    }
    boolean finished = false;
    try {
      long started = System.nanoTime();
      processes.get("broker").start();
      processes.get("broker").awaitLine(ChaosNodeMain.UP, 120);
      try (Admin admin = admin(bootstrap)) {
        KafkaNodes.createTopics(admin, topics, EmbeddedStack.DEFAULT_PARTITIONS, 1);
      }
      flink.writeConfig();
      for (String name : processes.keySet()) {
        if (!name.equals("broker")) {
          processes.get(name).start();
        }
      }
      processes.get("registry").awaitLine(ChaosNodeMain.UP, 120);
      flink.awaitUp(180, () -> tail(processes.get("jobmanager")));
      flink.awaitTaskManagers(
          TASK_MANAGERS, Set.of(), 180, () -> tail(processes.get("taskmanager-1")));
      System.out.printf(
          "cluster up in %.1f s: broker, registry, jobmanager, %d taskmanagers (%d slot each),"
              + " each its own JVM; %d partitions per topic%n",
          (System.nanoTime() - started) / 1e9,
          TASK_MANAGERS,
          SIZING.slotsPerTaskManager(),
          EmbeddedStack.DEFAULT_PARTITIONS);

      KafkaConnection kafka =
          new KafkaConnection(bootstrap, "http://" + ClusterJvm.HOST + ":" + registryPort, topics);
      double produceSeconds = PreprocessBenchmark.produce(kafka, csv, spec, records);
      System.out.printf(
          "produced %,d raw records in %.1f s (not timed below); broker data %,d MiB%n",
          records,
          produceSeconds,
          PreprocessBenchmark.directoryBytes(dir.resolve("broker-1")) >> 20);
      List<String> outputs = PreprocessBenchmark.outputs(topics);
      try (KafkaConsumer<byte[], byte[]> progress = CommittedOffsets.consumer(kafka)) {
        for (int run = 1; run <= runs; run++) {
          measure(flink, processes, kafka, spec, progress, outputs, records, run);
        }
      }
      finished = true;
    } finally {
      // TaskManagers first: a JobManager gone first makes them retry its address
      List<String> names = new ArrayList<>(processes.keySet());
      java.util.Collections.reverse(names);
      for (String name : names) {
        processes.get(name).stop();
      }
      if (finished) {
        deleteRecursively(dir);
      } else {
        System.out.println("processes' logs kept in " + logs);
      }
    }
  }

  private static void measure(
      FlinkSession flink,
      Map<String, ChaosProcess> processes,
      KafkaConnection kafka,
      PipelineSpec spec,
      KafkaConsumer<byte[], byte[]> progress,
      List<String> outputs,
      long records,
      int run)
      throws Exception {
    long before = PreprocessBenchmark.committedRecords(progress, outputs);
    PreprocessConfig config =
        PreprocessConfig.of(kafka, spec)
            .withParallelism(PARALLELISM)
            .withConsumerGroup("bench-cluster-" + run);
    Map<String, Double> cpu0 = cpuSeconds(processes);
    long t0 = System.nanoTime();
    JobClient job = flink.submit(config);
    double submitted = (System.nanoTime() - t0) / 1e9;
    PreprocessBenchmark.Committed committed =
        PreprocessBenchmark.awaitCommitted(
            progress, outputs, before, records, t0, PARALLELISM, run);
    Map<String, Double> cpu1 = cpuSeconds(processes);
    Map<String, List<String>> placements = flink.placements(job.getJobID().toString());
    job.cancel().get();
    Map<String, Double> used = new LinkedHashMap<>();
    cpu1.forEach((name, seconds) -> used.put(name, seconds - cpu0.get(name)));
    double total = used.values().stream().mapToDouble(Double::doubleValue).sum();
    System.out.printf(
        "%s; CPU %.1f s = %,.0f records per CPU second (%s)%n",
        PreprocessBenchmark.rate(PARALLELISM, run, records, committed.seconds()),
        total,
        records / total,
        used.entrySet().stream()
            .map(e -> String.format("%s %.1f s", e.getKey(), e.getValue()))
            .collect(Collectors.joining(", ")));
    System.out.printf(
        "parallelism %d run %d phases: job submitted after %.1f s, first output committed after"
            + " %.1f s%n",
        PARALLELISM, run, submitted, committed.firstOutput());
    System.out.printf(
        "parallelism %d run %d subtasks: %s%n", PARALLELISM, run, placementLine(placements));
    List<String> together = notSpread(placements);
    if (!together.isEmpty()) {
      System.out.println("WARNING: subtasks sharing a TaskManager in " + together);
    }
    // the next run's slots: the cancelled job's must be free first
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (flink.jobState() != null && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  /**
   * CPU seconds so far of each process of the cluster, the TaskManagers first (where the job runs),
   * and of this JVM ({@code driver}: the producer, idle while timed, and the progress polling).
   */
  private static Map<String, Double> cpuSeconds(Map<String, ChaosProcess> processes) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    for (String name :
        List.of("taskmanager-1", "taskmanager-2", "jobmanager", "broker", "registry")) {
      seconds.put(name, ProcessCpu.seconds(processes.get(name).pid()));
    }
    seconds.put("driver", ProcessCpu.seconds(ProcessHandle.current().pid()));
    return seconds;
  }

  /** Each vertex (operator chain) with the TaskManagers of its subtasks in subtask order. */
  static String placementLine(Map<String, List<String>> placements) {
    if (placements.isEmpty()) {
      return "(the REST API named none)";
    }
    return placements.entrySet().stream()
        .map(e -> e.getKey() + " [" + String.join(", ", e.getValue()) + "]")
        .collect(Collectors.joining("; "));
  }

  /** The vertices of several subtasks with two of them on the same TaskManager. */
  static List<String> notSpread(Map<String, List<String>> placements) {
    List<String> together = new ArrayList<>();
    placements.forEach(
        (vertex, taskManagers) -> {
          Set<String> distinct = new LinkedHashSet<>(taskManagers);
          if (taskManagers.size() > 1 && distinct.size() < taskManagers.size()) {
            together.add(vertex);
          }
        });
    return together;
  }

  private static Admin admin(String bootstrap) {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
    return Admin.create(config);
  }

  private static String tail(ChaosProcess process) {
    try {
      return process.tail();
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
