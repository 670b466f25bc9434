package io.streamtune.serve;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.embedded.EmbeddedStack;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.preprocess.PreprocessBatch;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.Prediction;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Serving speed and memory (docs/benchmarks.md, "Serving"), run by {@code bench/serve_bench.sh}:
 *
 * <ol>
 *   <li>the plain loop: the champion's {@link ServingModel#predict} on one request after another
 *       (decode, validate, fitted transform, MLP forward pass), no Kafka;
 *   <li>the service: {@link ServeService} on the embedded broker and registry in this JVM, fed
 *       {@code requests} at a fixed rate by a paced producer, every prediction read back by a
 *       read_committed consumer; throughput, the service's own latency (poll to prediction) and the
 *       end-to-end latency (request created to prediction committed and read), and the heap used
 *       after a full GC every 100k requests (broker and registry included: same JVM).
 * </ol>
 *
 * <p>Args: [requests (1000000)] [rate per second (2000)] [plain-loop requests (100000)].
 */
public final class ServeBenchmark {

  private static final int POOL = 10_000;

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int loopRequests = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
    Path dir = Files.createTempDirectory("serve-bench-");
    Topics topics = Topics.withDefaultPrefix();
    try (EmbeddedStack stack = EmbeddedStack.start(dir.resolve("kafka"), topics)) {
      run(stack, topics, dir.resolve("store"), total, rate, loopRequests);
    }
  }

  private static void run(
      EmbeddedStack stack, Topics topics, Path store, int total, int rate, int loopRequests)
      throws Exception {
    String registry = stack.schemaRegistryUrl();
    PreprocessBatch.TabularResult batch =
        PreprocessBatch.tabular(
            ServeFixtures.spec(),
            ServeFixtures.records(5000, 1, "train").iterator(),
            PreprocessBatch.FitOn.TRAIN);
    ModelVersion v1 =
        ServeFixtures.storeMlp(
            store, 1, 11, batch.transform(), batch.transform().featureNames().size());
    System.out.printf(
        Locale.ROOT,
        "model: MLP %d features -> 4 hidden -> 2 classes, fitted transform v%d (impute, scale,"
            + " one-hot)%n",
        batch.transform().featureNames().size(),
        batch.transform().version());

    // a pool of distinct requests, serialized once: the producer's own cost stays out of the run
    Serializer<SpecificRecord> serializer = AvroSerdes.valueSerializer(registry);
    List<RawRecord> records = ServeFixtures.records(POOL, 9, "q");
    byte[][] keys = new byte[POOL][];
    byte[][] values = new byte[POOL][];
    for (int i = 0; i < POOL; i++) {
      RawRecord request = ServeFixtures.unlabeled(records.get(i));
      keys[i] = request.getId().getBytes(StandardCharsets.UTF_8);
      values[i] = serializer.serialize(topics.name(Topics.REQUESTS), request);
    }

    plainLoop(v1, store, registry, keys, values, loopRequests);
    service(stack, topics, store, v1, keys, values, total, rate);
  }

  private static void plainLoop(
      ModelVersion v1, Path store, String registry, byte[][] keys, byte[][] values, int requests) {
    Deserializer<RawRecord> deserializer = AvroSerdes.valueDeserializer(registry, RawRecord.class);
    try (StoreModelLoader loader = new StoreModelLoader(store, false);
        ServingModel model = ServingModel.load(v1, ServeFixtures.spec(), loader, deserializer)) {
      long[] nanos = new long[requests];
      for (int warm = 0; warm < 20_000; warm++) {
        model.predict(envelope(keys, values, warm));
      }
      long start = System.nanoTime();
      int accepted = 0;
      for (int i = 0; i < requests; i++) {
        long t = System.nanoTime();
        Outcome<ServedPrediction> outcome = model.predict(envelope(keys, values, i));
        nanos[i] = System.nanoTime() - t;
        accepted += outcome instanceof Outcome.Accepted ? 1 : 0;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Arrays.sort(nanos);
      System.out.printf(
          Locale.ROOT,
          "plain loop, ServingModel.predict one request at a time: %d requests (%d predicted) in"
              + " %.2f s = %.0f requests/s; latency p50 %.1f us, p99 %.1f us, max %.1f us%n",
          requests,
          accepted,
          seconds,
          requests / seconds,
          nanos[requests / 2] / 1e3,
          nanos[(int) (requests * 0.99)] / 1e3,
          nanos[requests - 1] / 1e3);

      // what the service does per poll: one forward pass for a batch
      int batchSize = 500;
      List<RawEnvelope> batch = new ArrayList<>(batchSize);
      start = System.nanoTime();
      for (int i = 0; i < requests; i++) {
        batch.add(envelope(keys, values, i));
        if (batch.size() == batchSize) {
          model.predictAll(batch);
          batch.clear();
        }
      }
      seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "plain loop, ServingModel.predictAll in batches of %d: %d requests in %.2f s = %.0f"
              + " requests/s%n",
          batchSize,
          requests,
          seconds,
          requests / seconds);
    }
  }

  private static RawEnvelope envelope(byte[][] keys, byte[][] values, int i) {
    return new RawEnvelope("streamtune.requests", 0, i, keys[i % POOL], values[i % POOL]);
  }

  private static void service(
      EmbeddedStack stack,
      Topics topics,
      Path store,
      ModelVersion v1,
      byte[][] keys,
      byte[][] values,
      int total,
      int rate)
      throws Exception {
    String registry = stack.schemaRegistryUrl();
    KafkaConnection kafka = new KafkaConnection(stack.bootstrapServers(), registry, topics);
    try (KafkaProducer<String, SpecificRecord> promoter = avroProducer(stack)) {
      promoter.send(
          new ProducerRecord<>(topics.name(Topics.MODELS_PROMOTED), ServeFixtures.MODEL_ID, v1));
    }
    ServeConfig config =
        ServeConfig.of(kafka, ServeFixtures.spec(), store)
            .withConsumerGroup("serve-bench")
            .withHttpPort(-1)
            .withShadowRequests(0);
    ServeService service = new ServeService(config);
    Thread serviceThread = new Thread(service, "serve");
    serviceThread.start();
    if (!service.awaitReady(Duration.ofSeconds(60))) {
      throw new IllegalStateException("the service did not start");
    }

    int[] serviceMicros = new int[total];
    int[] endToEndMillis = new int[total];
    AtomicLong received = new AtomicLong();
    Thread reader =
        new Thread(
            () -> readPredictions(stack, topics, total, serviceMicros, endToEndMillis, received),
            "predictions-reader");
    reader.start();

    long[] heapAt = new long[total / 100_000 + 1];
    long[] rssAt = new long[heapAt.length];
    Thread monitor =
        new Thread(
            () -> {
              int next = 1;
              while (next < heapAt.length) {
                if (service.requests() >= next * 100_000L) {
                  System.gc();
                  System.gc();
                  heapAt[next] = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                  rssAt[next] = rssKb();
                  System.out.printf(
                      Locale.ROOT,
                      "  after %,d requests: heap used after GC %.1f MiB, RSS %.0f MiB%n",
                      next * 100_000L,
                      heapAt[next] / 1048576.0,
                      rssAt[next] / 1024.0);
                  next++;
                }
                LockSupport.parkNanos(20_000_000L);
              }
            },
            "heap-monitor");
    monitor.setDaemon(true);
    monitor.start();

    long start = System.nanoTime();
    long interval = 1_000_000_000L / rate;
    try (KafkaProducer<byte[], byte[]> producer = requestProducer(stack)) {
      String topic = topics.name(Topics.REQUESTS);
      for (int i = 0; i < total; i++) {
        long due = start + i * interval;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        producer.send(new ProducerRecord<>(topic, keys[i % POOL], values[i % POOL]));
      }
    }
    double sendSeconds = (System.nanoTime() - start) / 1e9;
    reader.join();
    double seconds = (System.nanoTime() - start) / 1e9;
    monitor.join(Duration.ofSeconds(30).toMillis());
    service.close();
    serviceThread.join();

    Arrays.sort(serviceMicros);
    Arrays.sort(endToEndMillis);
    System.out.printf(
        Locale.ROOT,
        "service at %d requests/s: %d requests sent in %.1f s, all %d predictions read after %.1f"
            + " s = %.0f requests/s; %d dead letters, %d transaction retries%n",
        rate,
        total,
        sendSeconds,
        received.get(),
        seconds,
        total / seconds,
        service.deadLetters(),
        service.transactionRetries());
    System.out.printf(
        Locale.ROOT,
        "  service latency (poll to prediction, per batch): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        serviceMicros[total / 2] / 1e3,
        serviceMicros[(int) (total * 0.99)] / 1e3,
        serviceMicros[total - 1] / 1e3);
    System.out.printf(
        Locale.ROOT,
        "  end-to-end latency (request created to prediction committed and read): p50 %d ms, p99"
            + " %d ms, max %d ms%n",
        endToEndMillis[total / 2],
        endToEndMillis[(int) (total * 0.99)],
        endToEndMillis[total - 1]);
  }

  private static void readPredictions(
      EmbeddedStack stack,
      Topics topics,
      int total,
      int[] serviceMicros,
      int[] endToEndMillis,
      AtomicLong received) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    try (KafkaConsumer<String, Prediction> consumer =
        new KafkaConsumer<>(
            props,
            new StringDeserializer(),
            AvroSerdes.valueDeserializer(stack.schemaRegistryUrl(), Prediction.class))) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topics.name(Topics.PREDICTIONS))) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      int n = 0;
      while (n < total) {
        for (ConsumerRecord<String, Prediction> record : consumer.poll(Duration.ofMillis(200))) {
          if (n >= total) {
            break;
          }
          Prediction p = record.value();
          serviceMicros[n] = (int) Math.min(Integer.MAX_VALUE, p.getLatencyMicros());
          endToEndMillis[n] =
              (int) (System.currentTimeMillis() - p.getRequestTime().toEpochMilli());
          n++;
        }
        received.set(n);
      }
    }
  }

  private static long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception e) {
      // not Linux: no RSS
    }
    return 0;
  }

  private static KafkaProducer<byte[], byte[]> requestProducer(EmbeddedStack stack) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static KafkaProducer<String, SpecificRecord> avroProducer(EmbeddedStack stack) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(
        props, new StringSerializer(), AvroSerdes.valueSerializer(stack.schemaRegistryUrl()));
  }
}
