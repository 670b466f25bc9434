package io.streamtune.trainer.bench;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedStack;
import io.streamtune.ingest.IdxImageReader;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.TrainerSpec.DeviceKind;
import io.streamtune.trainer.TrainerConfig;
import io.streamtune.trainer.TrainerService;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The trainer's memory over many rounds, for bench/trainer_memory.sh (not a unit test).
 *
 * <p>Runs the real {@link TrainerService} (image modality: the shipped MNIST backbone, partial
 * fine-tuning, early stopping on a validation slice) against the embedded broker and schema
 * registry in this JVM. Fashion-MNIST training images are produced {@code perRound} at a time;
 * after each published version, while the trainer waits for the next batch, the harness forces a GC
 * and prints the heap in use, direct buffers and the process's resident set (VmRSS), so each line
 * is taken at the same point of the cycle. The buffer holds {@code capacity} examples, so it is
 * full after capacity / perRound rounds; after that every round trains on the same amount.
 *
 * <pre>
 *   java ... TrainerMemoryBenchmark &lt;fashion-mnist dir&gt; &lt;rounds&gt; &lt;perRound&gt; &lt;capacity&gt;
 *       &lt;epochs&gt; &lt;threads&gt; [warm-up round]
 * </pre>
 */
public final class TrainerMemoryBenchmark {

  private static final String SPEC =
      """
      name: fashion-memory
      modality: image
      label:
        column: label
        classes: [T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot]
      image: {width: 28, height: 28}
      trainer:
        retrainEvery: %d
        maxWaitSeconds: 0
        bufferCapacity: %d
        backbone: mnist-cnn
        strategy: partial
        unfreezeLastBlocks: 1
        backboneLrFactor: 0.3
        learningRate: 0.001
        lrSchedule: cosine
        epochs: %d
        batchSize: 64
        validationFraction: 0.1
        earlyStoppingPatience: 2
        seed: 7
      """;

  /** The table goes to the real stdout; everything else printing to System.out (logs) to stderr. */
  private static final PrintStream OUT =
      new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

  public static void main(String[] args) throws Exception {
    System.setOut(System.err);
    Path data = Path.of(args[0]);
    int rounds = Integer.parseInt(args[1]);
    int perRound = Integer.parseInt(args[2]);
    int capacity = Integer.parseInt(args[3]);
    int epochs = Integer.parseInt(args[4]);
    int threads = Integer.parseInt(args[5]);
    int warmup = args.length > 6 ? Integer.parseInt(args[6]) : 10;
    PipelineSpec spec =
        PipelineSpecs.parse(String.format(Locale.ROOT, SPEC, perRound, capacity, epochs), "bench");
    List<Example> examples =
        examples(
            data.resolve("train-images-idx3-ubyte.gz"),
            data.resolve("train-labels-idx1-ubyte.gz"),
            rounds * perRound,
            spec.label().classes());
    if (examples.size() < rounds * perRound) {
      throw new IllegalArgumentException("only " + examples.size() + " images in " + data);
    }
    Path work = Files.createTempDirectory("trainer-memory");
    List<double[]> rows = new ArrayList<>();
    try (EmbeddedStack stack =
        EmbeddedStack.start(work.resolve("kafka"), Topics.withDefaultPrefix())) {
      KafkaConnection kafka =
          new KafkaConnection(stack.bootstrapServers(), stack.schemaRegistryUrl(), stack.topics());
      TrainerConfig config =
          TrainerConfig.of(kafka, spec, work.resolve("store"))
              .withDevice(DeviceKind.CPU)
              .withThreads(threads)
              .withPollTimeout(Duration.ofMillis(100));
      OUT.printf(
          Locale.ROOT,
          "rounds %d, %d new examples per round, buffer %d, %d epochs, batch 64, %d thread(s);"
              + " measured after each version, idle, after System.gc()%n",
          rounds,
          perRound,
          capacity,
          epochs,
          threads);
      OUT.println(
          "round | examples trained on | RSS MiB | heap used MiB | direct MiB | RssAnon MiB |"
              + " RssFile MiB | open NDArrays | round s");
      try (KafkaProducer<String, Example> producer = producer(stack);
          TrainerService service = new TrainerService(config)) {
        Thread loop = new Thread(service, "trainer");
        loop.setDaemon(true);
        loop.start();
        for (int round = 1; round <= rounds; round++) {
          long start = System.nanoTime();
          for (Example example : examples.subList((round - 1) * perRound, round * perRound)) {
            producer.send(
                new ProducerRecord<>(
                    stack.topics().name(Topics.EXAMPLES_TRAIN), example.getId(), example));
          }
          producer.flush();
          while (service.stats().versionsPublished() < round) {
            if (!loop.isAlive()) {
              throw new IllegalStateException("the trainer stopped; see its log");
            }
            Thread.sleep(20);
          }
          double seconds = (System.nanoTime() - start) / 1e9;
          double[] memory = memory();
          rows.add(memory);
          OUT.printf(
              Locale.ROOT,
              "%5d | %19d | %7.1f | %13.1f | %10.1f | %11.1f | %11.1f | %12.0f | %7.2f%n",
              round,
              Math.min(round * perRound, capacity),
              memory[0],
              memory[1],
              memory[2],
              memory[3],
              memory[4],
              memory[5],
              seconds);
        }
      }
    } finally {
      deleteQuietly(work);
    }
    summary(rows, warmup);
  }

  /**
   * RSS, heap used, direct buffers, anonymous RSS (heaps: Java, malloc, libtorch) and file-backed
   * RSS (mapped jars, native libraries, the embedded broker's memory-mapped log indexes) in MiB,
   * after a full GC.
   */
  private static double[] memory() throws IOException {
    MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 2; i++) {
      System.gc();
    }
    double heap = bean.getHeapMemoryUsage().getUsed() / 1048576.0;
    double direct = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        direct = pool.getMemoryUsed() / 1048576.0;
      }
    }
    double rss = 0;
    double anon = 0;
    double file = 0;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      double mib = line.matches("^(VmRSS|RssAnon|RssFile):.*") ? kib(line) / 1024.0 : 0;
      if (line.startsWith("VmRSS:")) {
        rss = mib;
      } else if (line.startsWith("RssAnon:")) {
        anon = mib;
      } else if (line.startsWith("RssFile:")) {
        file = mib;
      }
    }
    // every NDArray still open in the engine (all managers hang below its system manager)
    double arrays;
    try (ai.djl.ndarray.NDManager probe = ai.djl.ndarray.NDManager.newBaseManager()) {
      arrays = probe.getParentManager().getManagedArrays().size();
    }
    return new double[] {rss, heap, direct, anon, file, arrays};
  }

  private static long kib(String statusLine) {
    return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
  }

  private static void summary(List<double[]> rows, int warmup) {
    if (rows.size() < warmup) {
      return;
    }
    double base = rows.get(warmup - 1)[0];
    double min = Double.MAX_VALUE;
    double max = 0;
    for (double[] row : rows.subList(warmup - 1, rows.size())) {
      min = Math.min(min, row[0]);
      max = Math.max(max, row[0]);
    }
    double last = rows.get(rows.size() - 1)[0];
    double lowest = (min / base - 1) * 100;
    double highest = (max / base - 1) * 100;
    boolean within = lowest >= -10 && highest <= 10;
    OUT.printf(
        Locale.ROOT,
        "RSS at round %d: %.1f MiB; rounds %d-%d: %.1f-%.1f MiB (%+.1f%% .. %+.1f%%), last %.1f MiB"
            + " (%+.1f%%): %s%n",
        warmup,
        base,
        warmup,
        rows.size(),
        min,
        max,
        lowest,
        highest,
        last,
        (last / base - 1) * 100,
        within ? "within +-10%" : "NOT within +-10%");
    OUT.printf(
        Locale.ROOT,
        "heap used after GC at round %d: %.1f MiB, at round %d: %.1f MiB%n",
        warmup,
        rows.get(warmup - 1)[1],
        rows.size(),
        rows.get(rows.size() - 1)[1]);
  }

  private static KafkaProducer<String, Example> producer(EmbeddedStack stack) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    return new KafkaProducer<>(
        props, new StringSerializer(), AvroSerdes.valueSerializer(stack.schemaRegistryUrl()));
  }

  /** Fashion-MNIST training images as the examples the preprocess job would publish. */
  private static List<Example> examples(Path images, Path labels, int count, List<String> classes) {
    List<Example> examples = new ArrayList<>();
    try (IdxImageReader reader =
        new IdxImageReader(images, labels, classes, "fashion", Clock.systemUTC())) {
      while (reader.hasNext() && examples.size() < count) {
        RawRecord image = reader.next();
        examples.add(
            Example.newBuilder()
                .setId(image.getId())
                .setSourceId(image.getId())
                .setEventTime(Instant.parse("2026-01-01T00:00:00Z"))
                .setSplit(Split.TRAIN)
                .setLabel(image.getLabel())
                .setLabelIndex(classes.indexOf(image.getLabel()))
                .setImage((ImagePayload) image.getPayload())
                .setTransformVersion(1)
                .build());
      }
    }
    return examples;
  }

  private static void deleteQuietly(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + root + ": " + e);
    }
  }
}
