package io.streamtune.launcher.chaos;

import io.streamtune.launcher.chaos.ChaosReconciler.Reconciliation;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;

/**
 * One chaos run: starts the {@link ChaosCluster}, streams {@code records} generated credit rows
 * (unique ids) through {@code streamtune ingest} at {@code rate} per second while a seeded killer
 * SIGKILLs one process of a random kind every {@code intervalSeconds} and restarts it, waits for
 * the pipeline to drain, and reconciles.
 */
final class ChaosRun {

  /** The run's size and schedule. */
  record Settings(
      int records, double rate, List<ChaosKind> kills, double intervalSeconds, long seed) {

    /**
     * {@code count} kills drawn with {@code seed}: every kind of {@code kinds} {@code atLeast}
     * times, the rest at random, shuffled.
     */
    static List<ChaosKind> schedule(List<ChaosKind> kinds, int count, int atLeast, long seed) {
      Random random = new Random(seed);
      List<ChaosKind> kills = new ArrayList<>();
      for (int i = 0; i < atLeast; i++) {
        kills.addAll(kinds);
      }
      while (kills.size() < count) {
        kills.add(kinds.get(random.nextInt(kinds.size())));
      }
      Collections.shuffle(kills, random);
      return kills;
    }
  }

  /**
   * One kill: when, what, when it was up again, when it had work to output (its up time, except for
   * an evaluator that came up with no version waiting: then the next version's arrival), and when
   * its first output came.
   */
  record Kill(ChaosKind kind, String name, long killedAt, long upAt, long workAt, long outputAt) {

    Kill(ChaosKind kind, String name, long killedAt, long upAt, long outputAt) {
      this(kind, name, killedAt, upAt, upAt, outputAt);
    }

    /** Up (or, for an evaluator without a waiting version, that version's arrival) → output. */
    double secondsUpToOutput() {
      return outputAt < 0 ? Double.NaN : (outputAt - workAt) / 1e9;
    }

    double secondsKillToOutput() {
      return outputAt < 0 ? Double.NaN : (outputAt - killedAt) / 1e9;
    }
  }

  /** What a run measured. */
  record Result(Reconciliation reconciliation, List<Kill> kills, double seconds) {}

  private final Path dir;
  private final Settings settings;

  ChaosRun(Path dir, Settings settings) {
    this.dir = dir;
    this.settings = settings;
  }

  Result run() throws Exception {
    long started = System.nanoTime();
    Path spec = dir.resolve("chaos.yaml");
    Files.writeString(spec, spec(settings.records()));
    Path csv = dir.resolve("chaos.csv");
    String predictBody = generate(csv, settings.records());
    Random random = new Random(settings.seed());
    List<Kill> kills = new ArrayList<>();
    try (ChaosCluster cluster = new ChaosCluster(dir, spec)) {
      cluster.start();
      log("cluster up in %.1f s (%s)", (System.nanoTime() - started) / 1e9, cluster.bootstrap());
      try (ChaosObserver observer = new ChaosObserver(cluster, predictBody);
          Admin admin = cluster.admin()) {
        observer.start();
        ChaosProcess ingest = cluster.ingest(csv, settings.rate());
        ingest.start();
        for (ChaosKind kind : settings.kills()) {
          Thread.sleep((long) (settings.intervalSeconds() * 1000));
          List<ChaosProcess> candidates = cluster.processes(kind);
          ChaosProcess victim = candidates.get(random.nextInt(candidates.size()));
          if (kind == ChaosKind.INGEST && !victim.isAlive()) {
            log("ingest already done: its kill is left out (stream longer: fewer records/s)");
            continue;
          }
          kills.add(kill(cluster, admin, victim));
        }
        log("kills done; waiting for ingest");
        if (!waitFor(() -> !ingest.isAlive(), 1800)) {
          throw new IllegalStateException("ingest still running:\n" + ingest.tail());
        }
        log("ingest done: %s", lastLine(ingest));
        long records = settings.records();
        waitFor(() -> observer.preprocessed.get() >= records, 600);
        log("preprocessed %d", observer.preprocessed.get());
        waitFor(() -> observer.versionedExamples.get() >= observer.trainExamples.get(), 300);
        waitFor(() -> observer.reportCount.get() >= observer.versionCount.get(), 300);
        log(
            "drained: %d versions over %d train examples, %d reports",
            observer.versionCount.get(), observer.trainExamples.get(), observer.reportCount.get());
        for (int i = 0; i < kills.size(); i++) {
          Kill kill = kills.get(i);
          if (kill.outputAt() < 0) {
            kills.set(i, withOutput(kill, observer));
          }
        }
      }
      Reconciliation reconciliation =
          ChaosReconciler.reconcile(
              cluster.bootstrap(),
              cluster.registryUrl(),
              cluster.topics(),
              cluster.store().resolve(ChaosCluster.MODEL));
      return new Result(reconciliation, kills, (System.nanoTime() - started) / 1e9);
    }
  }

  private Kill kill(ChaosCluster cluster, Admin admin, ChaosProcess victim) throws Exception {
    if (victim.kind() == ChaosKind.BROKER) {
      // one node down at a time: the quorum and min.insync.replicas 2 hold with two
      waitFor(() -> cluster.fullIsr(admin, 0), 120);
    }
    Set<String> taskManagers = cluster.taskManagers();
    long killedAt = System.nanoTime();
    victim.kill();
    victim.start();
    // no HA services in a standalone session cluster: the job goes with the JobManager and is
    // submitted again, resuming from the newest retained checkpoint, as soon as the REST API
    // answers
    java.util.concurrent.CompletableFuture<Long> submission =
        victim.kind() == ChaosKind.JOBMANAGER
            ? java.util.concurrent.CompletableFuture.supplyAsync(() -> submit(cluster))
            : null;
    long upAt = cluster.awaitUp(victim, taskManagers);
    long outputAt = -1;
    if (victim.kind() == ChaosKind.JOBMANAGER) {
      long registered = cluster.awaitTaskManagers(1, Set.of(), 120);
      long submitted = submission.get(120, TimeUnit.SECONDS);
      waitFor(() -> "RUNNING".equals(cluster.jobState()), 120);
      long running = System.nanoTime();
      waitFor(() -> cluster.completedCheckpoints() > 0, 120);
      log(
          "jobmanager up; a TaskManager registered %.1f s later, the job submitted %.1f s later,"
              + " running %.1f s later, its first checkpoint %.1f s later",
          (registered - upAt) / 1e9,
          (submitted - upAt) / 1e9,
          (running - upAt) / 1e9,
          (System.nanoTime() - upAt) / 1e9);
    } else if (victim.kind() == ChaosKind.BROKER) {
      int node = Integer.parseInt(victim.name().substring("broker-".length()));
      waitFor(() -> cluster.fullIsr(admin, node), 120);
      outputAt = System.nanoTime();
    }
    log("killed %s, up again %.1f s later", victim.name(), (upAt - killedAt) / 1e9);
    return new Kill(victim.kind(), victim.name(), killedAt, upAt, outputAt);
  }

  private static Kill withOutput(Kill kill, ChaosObserver observer) {
    var stamps =
        switch (kill.kind()) {
          case REGISTRY -> observer.registryAnswers;
          case JOBMANAGER, TASKMANAGER, BROKER -> observer.examples;
          case TRAINER -> observer.versions;
          case EVALUATOR -> observer.reports;
          case SERVE -> observer.predictions;
          case INGEST -> observer.rawRecords;
        };
    long workAt = kill.upAt();
    if (kill.kind() == ChaosKind.EVALUATOR) {
      // one report per version, in order: the version after the last one reported before the
      // restart is the next work; a report cannot come before that version exists
      workAt =
          Math.max(
              workAt, ChaosObserver.nthAfterCount(observer.versions, observer.reports, workAt));
    }
    return new Kill(
        kill.kind(),
        kill.name(),
        kill.killedAt(),
        kill.upAt(),
        workAt,
        ChaosObserver.firstAfter(stamps, workAt));
  }

  /** The figures: records, kills by kind, lost, duplicated, recovery p50/max. */
  static String figures(Result result) {
    Reconciliation r = result.reconciliation();
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "chaos: %d raw records -> %d examples + %d dead letters; lost %d, duplicated %d,"
                + " duplicate raw ids %d%n",
            r.raw(),
            r.examples(),
            r.deadLetters(),
            r.lost(),
            r.duplicated(),
            r.duplicateRawIds()));
    out.append(
        String.format(
            Locale.ROOT,
            "chaos: %d train examples in %d versions: uncovered %d, in more than one %d;"
                + " stored-not-published %d, published-not-stored %d, duplicate versions %d%n",
            r.trainExamples(),
            r.versions(),
            r.uncoveredTrainExamples(),
            r.multiplyCoveredTrainExamples(),
            r.storedNotPublished(),
            r.publishedNotStored(),
            r.duplicateVersions()));
    out.append(
        String.format(
            Locale.ROOT,
            "chaos: %d reports: missing %d, doubled %d%n",
            r.reports(),
            r.missingReports(),
            r.doubledReports()));
    Map<ChaosKind, List<Kill>> byKind = new EnumMap<>(ChaosKind.class);
    result.kills().forEach(k -> byKind.computeIfAbsent(k.kind(), x -> new ArrayList<>()).add(k));
    List<Double> all = new ArrayList<>();
    out.append(String.format(Locale.ROOT, "chaos: %d kills%n", result.kills().size()));
    for (Map.Entry<ChaosKind, List<Kill>> entry : byKind.entrySet()) {
      List<Double> upToOutput = new ArrayList<>();
      List<Double> killToOutput = new ArrayList<>();
      for (Kill kill : entry.getValue()) {
        upToOutput.add(kill.secondsUpToOutput());
        killToOutput.add(kill.secondsKillToOutput());
      }
      all.addAll(upToOutput);
      out.append(
          String.format(
              Locale.ROOT,
              "chaos:   %-11s x%d  up->first output p50 %s max %s  (kill->first output max %s)%n",
              entry.getKey().name().toLowerCase(Locale.ROOT),
              entry.getValue().size(),
              seconds(percentile(upToOutput, 0.5)),
              seconds(percentile(upToOutput, 1.0)),
              seconds(percentile(killToOutput, 1.0))));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "chaos: up->first output over all kills p50 %s max %s; run %.0f s%n",
            seconds(percentile(all, 0.5)),
            seconds(percentile(all, 1.0)),
            result.seconds()));
    return out.toString();
  }

  /** The q-quantile (nearest rank); NaN (no output seen) ranks above every number. */
  static double percentile(List<Double> values, double q) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort((a, b) -> Double.compare(a, b)); // NaN sorts last
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static String seconds(double value) {
    return Double.isNaN(value) ? "none" : String.format(Locale.ROOT, "%.1f s", value);
  }

  /** The chaos pipeline: the credit columns, a small MLP, a version per few hundred examples. */
  static String spec(int records) {
    int retrainEvery = Math.max(200, records / 100);
    return """
        name: chaos
        modality: tabular
        label:
          column: Status
          classes: [good, bad]
        columns:
          Seniority: {type: numeric}
          Home: {type: categorical, categories: [owner, rent, parents, other, priv, ignore]}
          Time: {type: numeric}
          Age: {type: numeric}
          Marital: {type: categorical, categories: [married, single, separated, widow, divorced]}
          Records: {type: categorical, categories: ["no", "yes"]}
          Job: {type: categorical, categories: [fixed, freelance, partime, others]}
          Expenses: {type: numeric}
          Income: {type: numeric}
          Assets: {type: numeric}
          Debt: {type: numeric}
          Amount: {type: numeric}
          Price: {type: numeric}
        split:
          holdoutFraction: 0.2
          salt: streamtune
        preprocess:
          steps:
            - impute: {strategy: mean}
            - impute: {strategy: most_frequent}
            - scale: {method: standard}
            - oneHot: {unseenBucket: true}
        trainer:
          retrainEvery: %d
          maxWaitSeconds: 3
          bufferCapacity: 5000
          hiddenUnits: [8]
          epochs: 2
          batchSize: 64
          seed: 42
        evaluator:
          bootstrapResamples: 100
          latencySamples: 0
        """
        .formatted(retrainEvery);
  }

  /**
   * Writes {@code records} rows of the bundled credit data, cycled, each with a unique id; returns
   * a serve request body for its first row.
   */
  static String generate(Path csv, int records) throws IOException {
    List<String> lines =
        Files.readAllLines(Path.of("..", "data", "credit_data.csv"), StandardCharsets.UTF_8);
    String header = lines.get(0);
    List<String> rows = lines.subList(1, lines.size());
    try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      out.write("\"id\"," + header + "\n");
      for (int i = 0; i < records; i++) {
        out.write("\"c" + i + "\"," + rows.get(i % rows.size()) + "\n");
      }
    }
    String[] names = header.replace("\"", "").split(",");
    String[] values = rows.get(0).replace("\"", "").split(",");
    StringBuilder body = new StringBuilder("{\"values\": {");
    for (int i = 1; i < names.length; i++) {
      boolean numeric = values[i].matches("-?[0-9.]+");
      body.append(i > 1 ? ", " : "")
          .append('"')
          .append(names[i])
          .append("\": ")
          .append(numeric ? values[i] : "\"" + values[i] + "\"");
    }
    return body.append("}}").toString();
  }

  /** Submits the job; returns {@code System.nanoTime()} when the JobManager accepted it. */
  private static long submit(ChaosCluster cluster) {
    try {
      cluster.submitJob();
      return System.nanoTime();
    } catch (Exception e) {
      throw new java.util.concurrent.CompletionException(e);
    }
  }

  private static boolean waitFor(BooleanSupplier condition, long timeoutSeconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }

  private static String lastLine(ChaosProcess process) throws IOException {
    String[] lines = process.tail().strip().split("\n");
    return lines[lines.length - 1];
  }

  static void log(String format, Object... args) {
    System.out.printf(
        Locale.ROOT,
        "[chaos %tT] %s%n",
        System.currentTimeMillis(),
        String.format(Locale.ROOT, format, args));
  }
}
