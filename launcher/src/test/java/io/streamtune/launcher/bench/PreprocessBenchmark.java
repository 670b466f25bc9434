package io.streamtune.launcher.bench;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.common.progress.ProgressMeter;
import io.streamtune.embedded.EmbeddedStack;
import io.streamtune.ingest.CsvDataset;
import io.streamtune.ingest.CsvRecordReader;
import io.streamtune.ingest.RawRecordProducer;
import io.streamtune.preprocess.PreprocessConfig;
import io.streamtune.preprocess.PreprocessJob;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Records per second of the preprocess job (impute, winsorize, scale, one-hot, PCA) from Kafka to
 * Kafka with the exactly-once sinks, on the embedded broker and registry in this JVM: a CSV
 * replayed to N records is produced first (not timed), then the job runs from the start of the raw
 * topic until every record is committed to examples.train + examples.holdout + deadletter.
 *
 * <p>Arguments: csv, spec, records, runs, and the parallelisms to run at (comma-separated, default
 * 2): each parallelism runs {@code runs} times in this JVM, on the same produced records. Run by
 * bench/preprocessing.sh. Each run also prints where its CPU went, by thread; with the environment
 * variable BENCH_TRACE set, the committed count at every poll (the steps of one checkpoint each).
 */
public final class PreprocessBenchmark {

  // CPU time of the whole JVM: the machine is shared, so wall time alone swings with other load
  private static final com.sun.management.OperatingSystemMXBean PROCESS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  private static final java.lang.management.ClassLoadingMXBean CLASSES =
      java.lang.management.ManagementFactory.getClassLoadingMXBean();
  private static final java.lang.management.CompilationMXBean JIT =
      java.lang.management.ManagementFactory.getCompilationMXBean();

  public static void main(String[] args) throws Exception {
    Path csv = Path.of(args[0]);
    PipelineSpec spec = PipelineSpecs.load(Path.of(args[1]));
    long records = Long.parseLong(args[2]);
    int runs = Integer.parseInt(args[3]);
    int[] parallelisms =
        java.util.Arrays.stream((args.length > 4 ? args[4] : "2").split(","))
            .mapToInt(p -> Integer.parseInt(p.trim()))
            .toArray();
    Topics topics = new Topics(Topics.DEFAULT_PREFIX);
    try (BrokerData data = BrokerData.create();
        EmbeddedStack stack = EmbeddedStack.start(data.directory(), topics)) {
      Path dataDir = data.directory();
      KafkaConnection kafka =
          new KafkaConnection(stack.bootstrapServers(), stack.schemaRegistryUrl(), topics);
      double produceSeconds = produce(kafka, csv, spec, records);
      System.out.printf(
          "produced %,d raw records in %.1f s (not timed below); broker data %,d MiB%n",
          records, produceSeconds, directoryBytes(dataDir) >> 20);
      List<String> outputs = outputs(topics);
      KafkaConsumer<byte[], byte[]> progress = CommittedOffsets.consumer(kafka);
      int jobs = 0;
      for (int parallelism : parallelisms) {
        for (int run = 1; run <= runs; run++) {
          jobs++;
          long before = committedRecords(progress, outputs);
          StreamExecutionEnvironment env = PreprocessJob.localEnvironment(parallelism);
          PreprocessConfig config =
              PreprocessConfig.of(kafka, spec)
                  .withParallelism(parallelism)
                  .withConsumerGroup("bench-" + jobs);
          long t0 = System.nanoTime();
          long cpu0 = PROCESS.getProcessCpuTime();
          long classes0 = CLASSES.getTotalLoadedClassCount();
          long jit0 = JIT.getTotalCompilationTime();
          ThreadCpu threads = ThreadCpu.start();
          JobClient job = PreprocessJob.start(env, config);
          double submitted = (System.nanoTime() - t0) / 1e9;
          Committed committed =
              awaitCommitted(progress, outputs, before, records, t0, parallelism, run);
          double seconds = committed.seconds();
          double firstOutput = committed.firstOutput();
          double cpuSeconds = (PROCESS.getProcessCpuTime() - cpu0) / 1e9;
          java.util.Map<String, Double> byThread = threads.sinceStart();
          java.util.Map<String, Double> allocated = threads.allocatedMiB();
          job.cancel().get();
          System.out.printf(
              "%s; JVM CPU %.1f s = %,.0f records per CPU second (broker, registry, job and"
                  + " progress polling together)%n",
              rate(parallelism, run, records, seconds), cpuSeconds, records / cpuSeconds);
          // where a first run's extra time goes: MiniCluster start and submission, the first
          // checkpoint's commit, class loading, JIT compilation (summed over compiler threads)
          System.out.printf(
              "parallelism %d run %d phases: MiniCluster started and job submitted after %.1f s,"
                  + " first output committed after %.1f s; %,d classes loaded, JIT compiling %.1f"
                  + " s%n",
              parallelism,
              run,
              submitted,
              firstOutput,
              CLASSES.getTotalLoadedClassCount() - classes0,
              (JIT.getTotalCompilationTime() - jit0) / 1e3);
          System.out.printf(
              "parallelism %d run %d CPU by thread: %s%n",
              parallelism, run, ThreadCpu.line(byThread, 0.05, "s"));
          System.out.printf(
              "parallelism %d run %d heap allocated by thread: %s%n",
              parallelism, run, ThreadCpu.line(allocated, 10, "MiB"));
        }
      }
      progress.close();
      System.out.printf("broker data at the end %,d MiB%n", directoryBytes(dataDir) >> 20);
    }
  }

  /**
   * Produces the CSV replayed to {@code records} raw records (progress on stdout); returns the
   * seconds it took.
   */
  static double produce(KafkaConnection kafka, Path csv, PipelineSpec spec, long records)
      throws InterruptedException {
    CsvDataset dataset = CsvDataset.withSpec(csv, spec, null);
    long start = System.nanoTime();
    try (RawRecordProducer producer =
        new RawRecordProducer(
            kafka.bootstrapServers(), kafka.schemaRegistryUrl(), kafka.topics())) {
      producer.produceAll(
          new Replay(dataset, records), 0, ProgressMeter.toStdout("produce", records));
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** The topics the job's output is counted on: examples (train, holdout) and dead letters. */
  static List<String> outputs(Topics topics) {
    return List.of(
        topics.name(Topics.EXAMPLES_TRAIN),
        topics.name(Topics.EXAMPLES_HOLDOUT),
        topics.name(Topics.DEADLETTER));
  }

  /** Seconds from the submission to all records committed, and to the first one. */
  record Committed(double seconds, double firstOutput) {}

  /**
   * Polls the committed output every 200 ms (a progress line every 10 s) until {@code records} more
   * than {@code before} are committed; fails after {@link #timeout}.
   *
   * @param t0 {@code System.nanoTime()} at the submission
   */
  static Committed awaitCommitted(
      KafkaConsumer<byte[], byte[]> progress,
      List<String> outputs,
      long before,
      long records,
      long t0,
      int parallelism,
      int run)
      throws InterruptedException {
    double firstOutput = -1;
    ProgressMeter meter =
        new ProgressMeter(
            "job (parallelism " + parallelism + ", run " + run + ")",
            records,
            Duration.ofSeconds(10),
            System.out::println,
            System::nanoTime);
    while (true) {
      Thread.sleep(200);
      long done = committedRecords(progress, outputs) - before;
      if (System.getenv("BENCH_TRACE") != null) {
        System.out.printf("trace %.2f %d%n", (System.nanoTime() - t0) / 1e9, done);
      }
      if (firstOutput < 0 && done > 0) {
        firstOutput = (System.nanoTime() - t0) / 1e9;
      }
      if (done >= records) {
        return new Committed((System.nanoTime() - t0) / 1e9, firstOutput);
      }
      meter.update(done);
      if ((System.nanoTime() - t0) > timeout(records).toNanos()) {
        throw new IllegalStateException("run " + run + " did not finish: " + done);
      }
    }
  }

  /** The head of a run's result line, the same in both job benchmarks. */
  static String rate(int parallelism, int run, long records, double seconds) {
    return String.format(
        "parallelism %d run %d: %,d records Kafka -> Flink -> Kafka (exactly-once) in %.1f s"
            + " = %,.0f records/s",
        parallelism, run, records, seconds, records / seconds);
  }

  /** 15 minutes, or more for large counts: a floor of 1,000 records/s on a loaded machine. */
  static Duration timeout(long records) {
    return Duration.ofSeconds(Math.max(Duration.ofMinutes(15).toSeconds(), records / 1_000));
  }

  static long directoryBytes(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              file -> {
                try {
                  return Files.size(file);
                } catch (java.io.IOException e) {
                  return 0; // a segment deleted while walking
                }
              })
          .sum();
    }
  }

  /** Records committed to the topics: read_committed end offsets (LSO) minus control markers. */
  static long committedRecords(KafkaConsumer<byte[], byte[]> consumer, List<String> topics) {
    return CommittedOffsets.endOffsets(consumer, CommittedOffsets.partitions(consumer, topics));
  }

  /** The CSV's records again and again, with fresh ids, up to a count. */
  private static final class Replay implements Iterator<RawRecord> {
    private final CsvDataset dataset;
    private final long total;
    private long produced;
    private int pass;
    private CsvRecordReader reader;

    Replay(CsvDataset dataset, long total) {
      this.dataset = dataset;
      this.total = total;
    }

    @Override
    public boolean hasNext() {
      return produced < total;
    }

    @Override
    public RawRecord next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      if (reader == null || !reader.hasNext()) {
        if (reader != null) {
          reader.close();
        }
        reader = dataset.open(Clock.systemUTC());
        pass++;
      }
      RawRecord record = reader.next();
      record.setId(record.getId() + "-" + pass);
      produced++;
      return record;
    }
  }
}
