package io.streamtune.launcher.bench;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.common.progress.ProgressMeter;
import io.streamtune.embedded.EmbeddedStack;
import io.streamtune.ingest.IdxImageReader;
import io.streamtune.ingest.RawRecordProducer;
import io.streamtune.preprocess.PreprocessConfig;
import io.streamtune.preprocess.PreprocessJob;
import io.streamtune.preprocess.core.Splitter;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Augmented 28x28 images per second through the preprocess job, Kafka to Kafka with the
 * exactly-once sinks, on the embedded broker and registry in this JVM: the Fashion-MNIST images are
 * produced to the raw topic first (not timed), then the job runs from the start of the raw topic
 * until every original and copy is committed; the committed records are then counted exactly (not
 * timed).
 *
 * <p>The spec applies what bench/torchvision_augment.py applies: random resized crop (scale 0.5-1,
 * ratio 3/4-4/3), horizontal flip p 0.5, rotation within +-15 degrees, brightness and contrast
 * jitter 0.4.
 *
 * <p>Arguments: images.gz, labels.gz, images (0 = all), copies, runs [, parallelism]. Run by
 * bench/augment_job.sh.
 */
public final class AugmentJobBenchmark {

  static final String SPEC =
      """
      name: fashion-mnist-bench
      modality: image
      label:
        classes: [T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot]
      image: {width: 28, height: 28, channels: 1}
      split: {holdoutFraction: 0.2}
      augment:
        copies: %d
        seed: 42
        image:
          crop: {probability: 1.0, minScale: 0.5, minRatio: 0.75}
          flipHorizontal: {probability: 0.5}
          rotation: {probability: 1.0, maxDegrees: 15}
          colorJitter: {probability: 1.0, brightness: 0.4, contrast: 0.4}
      """;

  public static void main(String[] args) throws Exception {
    Path images = Path.of(args[0]);
    Path labels = Path.of(args[1]);
    int limit = Integer.parseInt(args[2]);
    int copies = Integer.parseInt(args[3]);
    int runs = Integer.parseInt(args[4]);
    int parallelism = args.length > 5 ? Integer.parseInt(args[5]) : 2;
    PipelineSpec spec = PipelineSpecs.parse(SPEC.formatted(copies), "benchmark spec");

    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    List<RawRecord> records = new ArrayList<>();
    try (IdxImageReader reader =
        new IdxImageReader(
            images, labels, spec.label().classes(), "fashion-mnist", Clock.systemUTC())) {
      while (reader.hasNext() && (limit <= 0 || records.size() < limit)) {
        records.add(reader.next());
      }
    }
    Splitter splitter = Splitter.of(spec.split());
    long train = records.stream().filter(r -> splitter.splitOf(r.getId()) == Split.TRAIN).count();
    long expectedCopies = train * copies;
    long expectedOut = records.size() + expectedCopies;

    Topics topics = new Topics(Topics.DEFAULT_PREFIX);
    try (BrokerData data = BrokerData.create();
        EmbeddedStack stack = EmbeddedStack.start(data.directory(), topics)) {
      KafkaConnection kafka =
          new KafkaConnection(stack.bootstrapServers(), stack.schemaRegistryUrl(), topics);
      long start = System.nanoTime();
      try (RawRecordProducer producer =
          new RawRecordProducer(kafka.bootstrapServers(), kafka.schemaRegistryUrl(), topics)) {
        producer.produceAll(
            records.iterator(), 0, ProgressMeter.toStdout("produce", records.size()));
      }
      System.out.printf(
          "produced %,d raw 28x28 images in %.1f s (not timed below); %,d train -> %,d augmented"
              + " copies (%d each), %,d holdout; %,d examples expected%n",
          records.size(),
          (System.nanoTime() - start) / 1e9,
          train,
          expectedCopies,
          copies,
          records.size() - train,
          expectedOut);
      List<String> outputs =
          List.of(topics.name(Topics.EXAMPLES_TRAIN), topics.name(Topics.EXAMPLES_HOLDOUT));
      for (int run = 1; run <= runs; run++) {
        long before = count(kafka, outputs);
        long beforeEnd = endOffsets(kafka, outputs);
        StreamExecutionEnvironment env = PreprocessJob.localEnvironment(parallelism);
        PreprocessConfig config =
            PreprocessConfig.of(kafka, spec)
                .withParallelism(parallelism)
                .withConsumerGroup("bench-" + run);
        double seconds;
        double cpuSeconds;
        long cpu0;
        JobClient job;
        // one consumer polls the end offsets: a new one per poll costs more than the job's tasks
        try (KafkaConsumer<byte[], byte[]> watcher = CommittedOffsets.consumer(kafka)) {
          List<TopicPartition> partitions = CommittedOffsets.partitions(watcher, outputs);
          long t0 = System.nanoTime();
          cpu0 = os.getProcessCpuTime();
          job = PreprocessJob.start(env, config);
          while (CommittedOffsets.endOffsets(watcher, partitions) - beforeEnd < expectedOut) {
            Thread.sleep(100);
            if ((System.nanoTime() - t0) > Duration.ofMinutes(15).toNanos()) {
              throw new IllegalStateException("run " + run + " did not finish");
            }
          }
          seconds = (System.nanoTime() - t0) / 1e9;
          cpuSeconds = (os.getProcessCpuTime() - cpu0) / 1e9;
        }
        job.cancel().get();
        long written = count(kafka, outputs) - before;
        System.out.printf(
            "run %d: %,d images in, %,d examples committed (%,d expected) Kafka -> Flink ->"
                + " Kafka (exactly-once, parallelism %d) in %.1f s = %,.0f images in/s, %,.0f"
                + " augmented images/s, %,.0f examples out/s%n",
            run,
            records.size(),
            written,
            expectedOut,
            parallelism,
            seconds,
            records.size() / seconds,
            expectedCopies / seconds,
            expectedOut / seconds);
        // the whole JVM (broker, registry, Flink, job) used this much CPU: on two cores of its own
        // the run could not take less than half of it
        System.out.printf(
            "run %d: process CPU %.1f s over %.1f s wall (%.2f cores busy); %.0f µs CPU per"
                + " augmented image; on 2 idle cores at most %,.0f augmented images/s%n",
            run,
            cpuSeconds,
            seconds,
            cpuSeconds / seconds,
            cpuSeconds * 1e6 / expectedCopies,
            expectedCopies / (cpuSeconds / 2));
        if (written != expectedOut) {
          throw new IllegalStateException(
              "run " + run + " committed " + written + " examples, expected " + expectedOut);
        }
      }
    }
  }

  /**
   * End offsets under read_committed (the last stable offset): they move only when a checkpoint
   * commits, and count the transaction markers too, so they reach the expected count at most a few
   * markers early; {@link #count} checks the exact number afterwards.
   */
  private static long endOffsets(KafkaConnection kafka, List<String> topicNames) {
    try (KafkaConsumer<byte[], byte[]> consumer = CommittedOffsets.consumer(kafka)) {
      return CommittedOffsets.endOffsets(
          consumer, CommittedOffsets.partitions(consumer, topicNames));
    }
  }

  /** The committed records themselves, read to the end (markers are not records). */
  private static long count(KafkaConnection kafka, List<String> topicNames) {
    try (KafkaConsumer<byte[], byte[]> consumer = CommittedOffsets.consumer(kafka)) {
      List<TopicPartition> partitions = CommittedOffsets.partitions(consumer, topicNames);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long count = 0;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
        count += batch.count();
      }
      return count;
    }
  }
}
