package io.streamtune.launcher;

import io.streamtune.embedded.EmbeddedStack;
import io.streamtune.ingest.CsvDataset;
import io.streamtune.ingest.CsvRecordReader;
import io.streamtune.ingest.ProgressMeter;
import io.streamtune.ingest.RawRecordProducer;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.config.KafkaConnection;
import io.streamtune.schemas.spec.PipelineSpec;
import io.streamtune.schemas.spec.PipelineSpecs;
import io.streamtune.schemas.topics.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The whole system in one JVM: embedded broker + registry, the local pipeline, a CSV streamed in,
 * and one printed line per evaluated model version.
 */
final class Demo {

  static final String BUNDLED_CSV = "data/credit_data.csv";
  static final String BUNDLED_SPEC = "pipelines/credit.yaml";

  /**
   * @param csv null for the bundled credit data
   * @param label label column of a CSV without a spec (types are then inferred)
   * @param pipeline spec to use (for the bundled data: the bundled spec when null)
   * @param versions stop after this many evaluated versions; 0 = run until interrupted
   * @param rate records per second; 0 = as fast as possible
   * @param retrainEvery overrides the spec's trainer.retrainEvery when not null
   * @param idleTimeout give up waiting for versions this long after the stream was fully ingested
   */
  record Options(
      Path csv,
      String label,
      Path pipeline,
      String idColumn,
      int versions,
      double rate,
      Integer retrainEvery,
      Path workDir,
      int partitions,
      int parallelism,
      int kafkaPort,
      int registryPort,
      Duration idleTimeout) {}

  /** What a finished run saw, for the caller (and tests). */
  record Outcome(int exitCode, java.util.List<EvaluationReport> reports, TopicCounts counts) {}

  private final PrintStream out;
  private final CountDownLatch stopRequested = new CountDownLatch(1);

  Demo(PrintStream out) {
    this.out = out;
  }

  /** Asks a running demo to stop (Ctrl-C). */
  void requestStop() {
    stopRequested.countDown();
  }

  Outcome run(Options options) throws Exception {
    Files.createDirectories(options.workDir());
    CsvDataset dataset = dataset(options);
    long rows = dataset.countRows();
    PipelineSpec spec = withReachableRetrainEvery(dataset.spec(), rows, options);
    out.println(describe(spec, dataset, rows));

    Topics topics = Topics.withDefaultPrefix();
    try (EmbeddedStack stack =
        EmbeddedStack.start(
            options.workDir().resolve("kafka"),
            topics,
            options.partitions(),
            options.kafkaPort(),
            options.registryPort())) {
      KafkaConnection kafka =
          new KafkaConnection(stack.bootstrapServers(), stack.schemaRegistryUrl(), topics);
      out.printf(
          "kafka %s | schema registry %s | work dir %s%n",
          kafka.bootstrapServers(), kafka.schemaRegistryUrl(), options.workDir());
      return runOn(kafka, dataset, spec, rows, options);
    }
  }

  private Outcome runOn(
      KafkaConnection kafka, CsvDataset dataset, PipelineSpec spec, long rows, Options options)
      throws Exception {
    CountDownLatch enoughVersions =
        new CountDownLatch(options.versions() > 0 ? options.versions() : Integer.MAX_VALUE);
    AtomicLong lastReportNanos = new AtomicLong(System.nanoTime());
    try (LocalPipeline pipeline =
            LocalPipeline.start(
                kafka, spec, options.workDir().resolve("model-store"), options.parallelism());
        MetricsWatcher watcher =
            new MetricsWatcher(
                kafka,
                report -> {
                  // Versions finished while the demo stops are not printed: it asked for K lines.
                  if (options.versions() == 0 || enoughVersions.getCount() > 0) {
                    out.println(MetricsWatcher.line(report));
                  }
                  lastReportNanos.set(System.nanoTime());
                  enoughVersions.countDown();
                })) {
      Thread watcherThread = new Thread(watcher, "streamtune-metrics-watcher");
      watcherThread.start();
      Ingestion ingestion = new Ingestion(kafka, dataset, rows, options.rate());
      Thread ingestThread = new Thread(ingestion, "streamtune-ingest");
      ingestThread.start();

      int exitCode = awaitEnd(options, enoughVersions, ingestion, lastReportNanos);
      ingestThread.interrupt();
      ingestThread.join(10_000);
      if (ingestion.failure.get() != null) {
        out.println("ingest failed: " + ingestion.failure.get().getMessage());
        exitCode = 1;
      }
      TopicCounts counts = TopicCounts.read(kafka);
      out.println("committed so far: " + counts);
      out.println("stopped");
      return new Outcome(exitCode, watcher.reports(), counts);
    }
  }

  private int awaitEnd(
      Options options,
      CountDownLatch enoughVersions,
      Ingestion ingestion,
      AtomicLong lastReportNanos)
      throws InterruptedException {
    while (true) {
      if (enoughVersions.await(250, TimeUnit.MILLISECONDS)) {
        return 0;
      }
      if (stopRequested.getCount() == 0) {
        out.println("stop requested");
        return 0;
      }
      boolean idle =
          System.nanoTime() - Math.max(lastReportNanos.get(), ingestion.finishedNanos.get())
              > options.idleTimeout().toNanos();
      if (options.versions() > 0 && ingestion.finishedNanos.get() > 0 && idle) {
        out.printf(
            "the stream ended and no new version came for %ds: %d of %d versions%n",
            options.idleTimeout().toSeconds(),
            options.versions() - enoughVersions.getCount(),
            options.versions());
        return 3;
      }
    }
  }

  /** Lowers retrainEvery when the file is too small to reach the asked number of versions. */
  PipelineSpec withReachableRetrainEvery(PipelineSpec spec, long rows, Options options) {
    if (options.retrainEvery() != null) {
      return spec.withTrainer(spec.trainer().withRetrainEvery(options.retrainEvery()));
    }
    if (options.versions() <= 0) {
      return spec;
    }
    // Dead letters and the split's randomness make the train share smaller than expected: keep 10%
    // slack.
    long expectedTrain = (long) (rows * (1 - spec.split().holdoutFraction()) * 0.9);
    int needed = spec.trainer().retrainEvery() * options.versions();
    if (needed <= expectedTrain) {
      return spec;
    }
    int lowered = (int) Math.max(1, expectedTrain / options.versions());
    out.printf(
        "note: %,d rows give about %,d training examples; training a version every %,d examples"
            + " (not %,d) to reach %d versions%n",
        rows, expectedTrain, lowered, spec.trainer().retrainEvery(), options.versions());
    return spec.withTrainer(spec.trainer().withRetrainEvery(lowered));
  }

  private CsvDataset dataset(Options options) {
    if (options.csv() != null) {
      return IngestCommand.dataset(
          options.csv(), options.label(), options.pipeline(), options.idColumn());
    }
    Path csv = copyResource(BUNDLED_CSV, options.workDir().resolve("credit_data.csv"));
    Path specFile =
        options.pipeline() != null
            ? options.pipeline()
            : copyResource(BUNDLED_SPEC, options.workDir().resolve("credit.yaml"));
    return CsvDataset.withSpec(csv, PipelineSpecs.load(specFile), options.idColumn());
  }

  private static Path copyResource(String resource, Path target) {
    try (InputStream in = Demo.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the launcher jar lacks its bundled " + resource);
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String describe(PipelineSpec spec, CsvDataset dataset, long rows) {
    return String.format(
        Locale.ROOT,
        "pipeline %s: %s (%,d rows), %d columns -> %d features, label %s %s, holdout %.0f%%,"
            + " a version every %,d training examples",
        spec.name(),
        dataset.file().getFileName(),
        rows,
        spec.columns().size(),
        spec.featureNames().size(),
        spec.label().column(),
        spec.label().classes(),
        100 * spec.split().holdoutFraction(),
        spec.trainer().retrainEvery());
  }

  /** Streams the CSV into the raw topic on its own thread. */
  private final class Ingestion implements Runnable {
    private final KafkaConnection kafka;
    private final CsvDataset dataset;
    private final long rows;
    private final double rate;
    final AtomicLong finishedNanos = new AtomicLong();
    final AtomicReference<Exception> failure = new AtomicReference<>();

    Ingestion(KafkaConnection kafka, CsvDataset dataset, long rows, double rate) {
      this.kafka = kafka;
      this.dataset = dataset;
      this.rows = rows;
      this.rate = rate;
    }

    @Override
    public void run() {
      try (RawRecordProducer producer =
              new RawRecordProducer(
                  kafka.bootstrapServers(), kafka.schemaRegistryUrl(), kafka.topics());
          CsvRecordReader records = dataset.open(Clock.systemUTC())) {
        producer.produceAll(
            records,
            rate,
            new ProgressMeter(
                "ingest", rows, Duration.ofSeconds(2), out::println, System::nanoTime));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        failure.set(e);
      } finally {
        finishedNanos.set(System.nanoTime());
      }
    }
  }
}
