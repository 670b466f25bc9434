package io.streamtune.launcher.chaos;

import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Watches the cluster's outputs while the killer runs, stamping each with {@code System.nanoTime()}
 * on arrival: committed examples and dead letters, versions, reports; and probes serve (a
 * prediction over HTTP) and the registry (a GET) every 200 ms.
 */
final class ChaosObserver implements AutoCloseable {

  private final ChaosCluster cluster;
  private final String predictBody;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;
  final ConcurrentLinkedQueue<Long> rawRecords = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Long> examples = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Long> versions = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Long> reports = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Long> predictions = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Long> registryAnswers = new ConcurrentLinkedQueue<>();
  final AtomicLong preprocessed = new AtomicLong();
  final AtomicLong trainExamples = new AtomicLong();
  final AtomicLong versionedExamples = new AtomicLong();
  final AtomicLong versionCount = new AtomicLong();
  final AtomicLong reportCount = new AtomicLong();

  ChaosObserver(ChaosCluster cluster, String predictBody) {
    this.cluster = cluster;
    this.predictBody = predictBody;
  }

  void start() {
    threads.add(new Thread(this::consume, "chaos-observer"));
    threads.add(new Thread(this::probe, "chaos-probe"));
    threads.forEach(Thread::start);
  }

  private void consume() {
    Topics topics = cluster.topics();
    String raw = topics.name(Topics.RAW);
    String train = topics.name(Topics.EXAMPLES_TRAIN);
    String holdout = topics.name(Topics.EXAMPLES_HOLDOUT);
    String deadletter = topics.name(Topics.DEADLETTER);
    String models = topics.name(Topics.MODELS);
    String metrics = topics.name(Topics.METRICS);
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    Deserializer<ModelVersion> versionReader =
        AvroSerdes.valueDeserializer(cluster.registryUrl(), ModelVersion.class);
    Deserializer<EvaluationReport> reportReader =
        AvroSerdes.valueDeserializer(cluster.registryUrl(), EvaluationReport.class);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : List.of(raw, train, holdout, deadletter, models, metrics)) {
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
          partitions.add(new TopicPartition(topic, info.partition()));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
          long now = System.nanoTime();
          String topic = record.topic();
          if (topic.equals(raw)) {
            rawRecords.add(now);
          } else if (topic.equals(train) || topic.equals(holdout)) {
            examples.add(now);
            preprocessed.incrementAndGet();
            if (topic.equals(train)) {
              trainExamples.incrementAndGet();
            }
          } else if (topic.equals(deadletter)) {
            preprocessed.incrementAndGet();
          } else if (topic.equals(models)) {
            ModelVersion version = versionReader.deserialize(topic, record.value());
            versions.add(now);
            versionCount.incrementAndGet();
            versionedExamples.addAndGet(version.getNewExamples());
          } else if (topic.equals(metrics)) {
            EvaluationReport report = reportReader.deserialize(topic, record.value());
            if (ChaosReconciler.isVersionReport(report)) {
              reports.add(now);
              reportCount.incrementAndGet();
            }
          }
        }
      }
    } catch (RuntimeException e) {
      if (running) {
        e.printStackTrace();
      }
    }
  }

  private void probe() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest predict =
        HttpRequest.newBuilder(URI.create(cluster.serveUrl()))
            .timeout(Duration.ofSeconds(2))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(predictBody))
            .build();
    HttpRequest subjects =
        HttpRequest.newBuilder(URI.create(cluster.registryUrl() + "/subjects"))
            .timeout(Duration.ofSeconds(2))
            .build();
    while (running) {
      answered(http, predict, predictions);
      answered(http, subjects, registryAnswers);
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void answered(
      HttpClient http, HttpRequest request, ConcurrentLinkedQueue<Long> answers) {
    try {
      if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
        answers.add(System.nanoTime());
      }
    } catch (Exception e) {
      // down: no answer
    }
  }

  /** The first stamp after {@code nanos}, or -1. */
  /**
   * The stamp of the version that follows the versions already reported at {@code nanos} (the
   * (r+1)-th version seen, r the reports seen before {@code nanos}), or -1 when it has not come.
   */
  static long nthAfterCount(
      ConcurrentLinkedQueue<Long> versions, ConcurrentLinkedQueue<Long> reports, long nanos) {
    long reported = reports.stream().filter(stamp -> stamp <= nanos).count();
    return versions.stream().sorted().skip(reported).findFirst().orElse(-1L);
  }

  static long firstAfter(ConcurrentLinkedQueue<Long> stamps, long nanos) {
    long best = -1;
    for (long stamp : stamps) {
      if (stamp > nanos && (best == -1 || stamp < best)) {
        best = stamp;
      }
    }
    return best;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread thread : threads) {
      thread.join(10_000);
    }
  }
}
