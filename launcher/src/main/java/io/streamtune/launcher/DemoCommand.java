package io.streamtune.launcher;

import io.streamtune.dashboard.web.DashboardSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run everything in one JVM: embedded Kafka + schema registry, the Flink preprocessing job,",
      "trainer and evaluator; stream a dataset in and print one line per model version.",
      "Default: the bundled credit data (data/credit_data.csv) with pipelines/credit.yaml.",
      "An image or text spec without --input streams its bundled sample: --pipeline",
      "pipelines/fashion-mnist.yaml (500 Fashion-MNIST images), --pipeline pipelines/spam.yaml",
      "(600 SpamAssassin e-mails)."
    })
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = {"--input", "--csv"},
      description =
          "Data to stream instead of the bundled sample, read as the spec's modality says: a CSV"
              + " (tabular); IDX images with --labels, or a folder-per-class directory (image);"
              + " JSON Lines (.gz allowed) or CSV (text)")
  Path input;

  @Option(names = "--labels", description = "IDX label file of IDX --input images")
  Path labels;

  @Option(names = "--label", description = "Label column of --csv (types are then inferred)")
  String label;

  @Option(names = "--pipeline", description = "Pipeline spec YAML (default: bundled or inferred)")
  Path pipeline;

  @Option(names = "--id-column", description = "Column holding record ids (default: row numbers)")
  String idColumn;

  @Option(
      names = "--versions",
      defaultValue = "3",
      description =
          "Stop after this many evaluated versions; 0 = until Ctrl-C (default: ${DEFAULT-VALUE})")
  int versions;

  @Option(
      names = "--rate",
      description =
          "Records per second streamed in; 0 = as fast as possible (default: 1000, with"
              + " --feedback "
              + FEEDBACK_RATE
              + ": the champion must keep up with the stream it learns from)")
  Double rate;

  /** Requests per second of the prequential demo by default. */
  static final double FEEDBACK_RATE = 150;

  @Option(
      names = "--retrain-every",
      description = "Train a version every N new training examples (default: the spec's)")
  Integer retrainEvery;

  @Option(
      names = "--work-dir",
      description = "Keep broker data and the model store here (default: a temporary directory)")
  Path workDir;

  @Option(
      names = "--partitions",
      defaultValue = "2",
      description = "Partitions per topic (default: ${DEFAULT-VALUE})")
  int partitions;

  @Option(
      names = "--parallelism",
      defaultValue = "2",
      description = "Flink parallelism (default: ${DEFAULT-VALUE})")
  int parallelism;

  @Option(
      names = "--kafka-port",
      defaultValue = "0",
      description = "Broker port; 0 = any free port")
  int kafkaPort;

  @Option(
      names = "--registry-port",
      defaultValue = "0",
      description = "Schema registry port; 0 = any free port")
  int registryPort;

  @Option(
      names = "--idle-timeout-seconds",
      defaultValue = "120",
      description =
          "After the whole file is in, give up waiting for versions after this long (default: ${DEFAULT-VALUE})")
  int idleTimeoutSeconds;

  @Option(
      names = "--feedback",
      description =
          "Close the loop prequentially: every record is first a request the champion answers"
              + " (serve), its label arrives --label-delay records later, the feedback app joins it"
              + " back into raw and only then does it train; prints online | and drift | lines and"
              + " a closing reconciliation")
  boolean feedback;

  @Option(
      names = "--warm-start",
      defaultValue = "-1",
      description =
          "With --feedback: records sent straight into training, labelled, before the first"
              + " request, so a champion answers from the start; -1 = enough for the first version"
              + " (default), 0 = none (requests before the first champion are dead-lettered)")
  int warmStart;

  @Option(
      names = "--label-delay",
      defaultValue = "200",
      description =
          "With --feedback: records between a request and its label (default: ${DEFAULT-VALUE})")
  int labelDelay;

  @Option(
      names = "--drift-at",
      defaultValue = "0",
      description =
          "With --feedback: change the concept after this many records (each later label becomes"
              + " the next class; two classes are swapped), to watch drift detection and recovery;"
              + " 0 = never (default)")
  long driftAt;

  @Option(
      names = "--settle-seconds",
      defaultValue = "15",
      description =
          "With --feedback: once every request is answered, stop after no new version came for"
              + " this long (default: ${DEFAULT-VALUE})")
  int settleSeconds;

  @Option(
      names = "--dashboard-port",
      defaultValue = "" + DashboardSettings.DEFAULT_PORT,
      description =
          "Port of the web dashboard on loopback (default: ${DEFAULT-VALUE}); 0 = any free port,"
              + " -1 = no dashboard")
  int dashboardPort;

  @Option(
      names = "--dashboard-token",
      defaultValue = "${env:STREAMTUNE_DASHBOARD_TOKEN}",
      description =
          "Require this access token on every dashboard request: Authorization: Bearer, or"
              + " ?token= on the page's address (env STREAMTUNE_DASHBOARD_TOKEN; default: none)")
  String dashboardToken;

  @Override
  public Integer call() throws Exception {
    if (!feedback && (driftAt != 0 || labelDelay != 200 || warmStart != -1)) {
      throw new io.streamtune.common.config.ConfigException(
          "--label-delay, --drift-at and --warm-start go with --feedback");
    }
    if (warmStart < -1) {
      throw new io.streamtune.common.config.ConfigException(
          "--warm-start must be -1 (enough for the first version) or >= 0");
    }
    if (labelDelay < 0 || driftAt < 0 || settleSeconds < 0) {
      throw new io.streamtune.common.config.ConfigException(
          "--label-delay, --drift-at and --settle-seconds must be >= 0");
    }
    if (input != null && label == null && pipeline == null) {
      throw new io.streamtune.ingest.IngestException(
          "--input/--csv needs --label COLUMN (a CSV) or --pipeline SPEC");
    }
    double rate = this.rate != null ? this.rate : feedback ? FEEDBACK_RATE : 1000;
    if (versions < 0 || partitions < 1 || parallelism < 1 || rate < 0) {
      throw new io.streamtune.common.config.ConfigException(
          "--versions must be >= 0, --partitions and --parallelism >= 1, --rate >= 0");
    }
    boolean temporary = workDir == null;
    Path dir = temporary ? Files.createTempDirectory("streamtune-demo-") : workDir;
    if (dashboardPort < -1) {
      throw new io.streamtune.common.config.ConfigException(
          "--dashboard-port must be 1 to 65535, 0 (any free port) or -1 (no dashboard)");
    }
    Demo demo =
        new Demo(
            System.out,
            dashboardPort == -1
                ? null
                : new DashboardSettings(
                    DashboardSettings.DEFAULT_BIND_ADDRESS, dashboardPort, dashboardToken));
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              demo.requestStop();
              try {
                finished.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "streamtune-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Demo.Outcome outcome =
          demo.run(
              new Demo.Options(
                  input,
                  labels,
                  label,
                  pipeline,
                  idColumn,
                  versions,
                  rate,
                  retrainEvery,
                  dir,
                  partitions,
                  parallelism,
                  kafkaPort,
                  registryPort,
                  Duration.ofSeconds(idleTimeoutSeconds),
                  feedback
                      ? new FeedbackDemo.Options(
                          warmStart,
                          labelDelay,
                          driftAt,
                          rate,
                          Duration.ofSeconds(settleSeconds),
                          Duration.ofSeconds(idleTimeoutSeconds))
                      : null));
      return outcome.exitCode();
    } finally {
      if (temporary) {
        WorkDirs.deleteQuietly(dir);
      }
      finished.countDown();
    }
  }
}
