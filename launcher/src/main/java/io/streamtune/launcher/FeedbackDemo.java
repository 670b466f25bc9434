package io.streamtune.launcher;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.progress.ProgressMeter;
import io.streamtune.embedded.TopicReader;
import io.streamtune.ingest.IngestSource;
import io.streamtune.ingest.RawRecordProducer;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Label;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.Prediction;
import io.streamtune.schemas.avro.PredictionRole;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.RetrainCause;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.serve.ServeService;
import io.streamtune.spec.PipelineSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code demo --feedback}: the closed loop, prequentially. Each record is first a request the
 * current champion answers ({@code serve}), its label arrives {@code labelDelay} records later on
 * {@code labels}, the feedback app joins it back into {@code raw}, and only then does it reach
 * preprocessing and training. Prints the version lines, {@code online |} lines (windows of labelled
 * predictions), a {@code drift |} line per detection or rollback, and a closing reconciliation with
 * the freshness of the served model.
 */
final class FeedbackDemo {

  /**
   * @param warmStart records sent straight into {@code raw} with their labels before the first
   *     request, so a champion exists when requests start; -1: enough for the first version
   * @param labelDelay records between a request and its label
   * @param driftAt change the concept after this many records of the input (0: never)
   * @param settle how long to wait, once every request is answered, for the last versions
   */
  record Options(
      int warmStart,
      int labelDelay,
      long driftAt,
      double rate,
      Duration settle,
      Duration idleTimeout) {

    /**
     * Enough labelled records for the first version, with 20% to spare for the holdout's share, and
     * at most half the input (the rest is served), unless given.
     */
    long warmStartFor(PipelineSpec spec, long rows) {
      if (warmStart >= 0) {
        return Math.min(warmStart, rows);
      }
      double trainShare = 1 - spec.split().holdoutFraction();
      long enough = (long) Math.ceil(spec.trainer().retrainEvery() / trainShare * 1.2);
      return Math.min(enough, rows / 2);
    }
  }

  /** What a run saw (tests). */
  record LoopOutcome(
      int exitCode,
      List<EvaluationReport> reports,
      List<RetrainRequest> detections,
      Reconciliation reconciliation,
      Freshness.Result freshness,
      ServedTimeline served,
      long warmStart) {}

  /** The closing counts. */
  record Reconciliation(
      long requests,
      long predictions,
      long shadowPredictions,
      long serveDeadLetters,
      long labelsSent,
      long labelsJoined,
      long driftRequests,
      long versionsAfterDrift,
      long rollbacks) {

    boolean balanced() {
      return requests == predictions + serveDeadLetters;
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "reconciliation | requests %,d %s predictions %,d + dead letters %,d (shadow predictions"
              + " %,d) | labels %,d sent, %,d joined with their requests into raw | drift"
              + " detections %,d -> %,d versions trained after them | rollbacks %,d",
          requests,
          balanced() ? "=" : "!=",
          predictions,
          serveDeadLetters,
          shadowPredictions,
          labelsSent,
          labelsJoined,
          driftRequests,
          versionsAfterDrift,
          rollbacks);
    }
  }

  /** The online metrics' tumbling window in the demo (sliding: five times as long). */
  static final Duration ONLINE_WINDOW = Duration.ofSeconds(2);

  private final PrintStream out;

  FeedbackDemo(PrintStream out) {
    this.out = out;
  }

  LoopOutcome run(
      KafkaConnection kafka,
      PipelineSpec spec,
      Supplier<IngestSource> source,
      long rows,
      Path workDir,
      int parallelism,
      Options options,
      CountDownLatch stopRequested)
      throws Exception {
    List<EvaluationReport> reports = new CopyOnWriteArrayList<>();
    AtomicLong lastVersionNanos = new AtomicLong(System.nanoTime());
    try (LocalPipeline pipeline =
            LocalPipeline.startWithFeedbackLoop(
                kafka,
                spec,
                workDir.resolve("model-store"),
                workDir.resolve("feedback-state"),
                parallelism,
                ONLINE_WINDOW);
        MetricsWatcher metrics =
            new MetricsWatcher(
                kafka,
                report -> {
                  reports.add(report);
                  switch (report.getKind()) {
                    case MetricsWatcher.HOLDOUT -> {
                      out.println(MetricsWatcher.line(report));
                      lastVersionNanos.set(System.nanoTime());
                    }
                    case MetricsWatcher.ROLLBACK ->
                        out.println(MetricsWatcher.rollbackLine(report));
                    case MetricsWatcher.SELECTION ->
                        out.println(MetricsWatcher.selectionLine(report));
                    default -> {
                      // the champions' tumbling windows; shadows and sliding windows are on the
                      // topic
                      if (report.getWindow().startsWith("tumbling")
                          && !report.getWindow().contains("shadow")) {
                        out.println(MetricsWatcher.onlineLine(report));
                      }
                    }
                  }
                });
        ControlWatcher control =
            new ControlWatcher(kafka, request -> out.println(driftLine(request)))) {
      pipeline.metricsUrls().forEach((service, url) -> out.println(service + " metrics: " + url));
      Thread metricsThread = new Thread(metrics, "streamtune-metrics-watcher");
      metricsThread.start();
      Thread controlThread = new Thread(control, "streamtune-control-watcher");
      controlThread.start();
      Feed feed =
          new Feed(
              kafka,
              spec,
              source,
              rows,
              options,
              () -> pipeline.serve().championVersion().isPresent());
      Thread feedThread = new Thread(feed, "streamtune-prequential-feed");
      feedThread.start();

      int exitCode = awaitEnd(pipeline, feed, options, lastVersionNanos, stopRequested);
      feedThread.interrupt();
      feedThread.join(10_000);
      if (feed.failure.get() != null) {
        out.println("feed failed: " + feed.failure.get().getMessage());
        exitCode = 1;
      }
      long warmStart = options.warmStartFor(spec, rows);
      LoopTopics topics = LoopTopics.read(kafka);
      Reconciliation reconciliation =
          reconcile(
              topics,
              kafka.topics().name(Topics.REQUESTS),
              feed.labelsSent.get(),
              feed.warmStartSent.get(),
              control.detections());
      out.println(reconciliation.describe());
      Freshness.Result freshness = freshness(topics);
      out.println("freshness | " + freshness.describe());
      Map<String, String> answers = new HashMap<>();
      topics.championAnswers().forEach(p -> answers.put(p.getRecordId(), p.getPredictedLabel()));
      ServedTimeline served = ServedTimeline.of(feed.requestOrder(), answers, feed.truth);
      if (options.driftAt() > warmStart) {
        out.println(recoveryLine(served, options.driftAt() - warmStart));
      }
      if (!reconciliation.balanced()) {
        exitCode = exitCode == 0 ? 4 : exitCode;
      }
      out.println("stopped");
      return new LoopOutcome(
          exitCode,
          List.copyOf(reports),
          control.detections(),
          reconciliation,
          freshness,
          served,
          warmStart);
    }
  }

  /** Waits until the feed is in, every request answered, and no version came for {@code settle}. */
  private int awaitEnd(
      LocalPipeline pipeline,
      Feed feed,
      Options options,
      AtomicLong lastVersionNanos,
      CountDownLatch stopRequested)
      throws InterruptedException {
    while (true) {
      if (stopRequested.await(250, TimeUnit.MILLISECONDS)) {
        out.println("stop requested");
        return 0;
      }
      if (feed.finishedNanos.get() == 0) {
        continue;
      }
      long answered = pipeline.serve().predictions() + pipeline.serve().deadLetters();
      long sinceFeedEnd = System.nanoTime() - feed.finishedNanos.get();
      boolean allAnswered = answered >= feed.requestsSent.get();
      long quiet = System.nanoTime() - Math.max(lastVersionNanos.get(), feed.finishedNanos.get());
      if (allAnswered && quiet > options.settle().toNanos()) {
        return 0;
      }
      if (sinceFeedEnd > options.idleTimeout().toNanos()) {
        out.printf(
            "the feed ended %ds ago: %,d of %,d requests answered%n",
            options.idleTimeout().toSeconds(), answered, feed.requestsSent.get());
        return allAnswered ? 0 : 3;
      }
    }
  }

  static String driftLine(RetrainRequest request) {
    String where =
        switch (request.getTrigger()) {
          case INPUT_DRIFT -> "input feature " + request.getFeature();
          case LABEL_DRIFT -> "label distribution";
          default ->
              request.getModelVersion() == null
                  ? "model " + request.getModelId()
                  : "errors of v" + request.getModelVersion();
        };
    return String.format(
        Locale.ROOT,
        "drift | %s | %s, observations %,d-%,d | %s (statistic %.4g > %.4g) | action: retrain"
            + " requested",
        request.getDetector(),
        where,
        request.getWindowFrom(),
        request.getWindowTo(),
        request.getReason(),
        request.getStatistic(),
        request.getThreshold());
  }

  /** What the loop's topics hold at the end, each read once. */
  record LoopTopics(
      Map<String, Long> requestTimes,
      long requests,
      List<Prediction> predictions,
      List<DeadLetter> deadLetters,
      long raw,
      List<ModelVersion> versions,
      List<EvaluationReport> reports,
      List<Freshness.TrainedExample> trained) {

    static LoopTopics read(KafkaConnection kafka) {
      Topics topics = kafka.topics();
      String bootstrap = kafka.bootstrapServers();
      String registry = kafka.schemaRegistryUrl();
      Map<String, Long> requestTimes = new HashMap<>();
      List<ConsumerRecord<String, byte[]>> requests =
          TopicReader.readToEnd(
              bootstrap, topics.name(Topics.REQUESTS), new ByteArrayDeserializer());
      requests.forEach(r -> requestTimes.merge(r.key(), r.timestamp(), Math::min));
      List<Freshness.TrainedExample> trained = new ArrayList<>();
      for (ConsumerRecord<String, Example> record :
          TopicReader.readToEnd(
              bootstrap,
              topics.name(Topics.EXAMPLES_TRAIN),
              AvroSerdes.valueDeserializer(registry, Example.class))) {
        trained.add(
            new Freshness.TrainedExample(
                record.value().getSourceId(), record.topic(), record.partition(), record.offset()));
      }
      return new LoopTopics(
          requestTimes,
          requests.size(),
          values(bootstrap, topics.name(Topics.PREDICTIONS), registry, Prediction.class),
          values(bootstrap, topics.name(Topics.DEADLETTER), registry, DeadLetter.class),
          TopicReader.readToEnd(bootstrap, topics.name(Topics.RAW), new ByteArrayDeserializer())
              .size(),
          values(bootstrap, topics.name(Topics.MODELS), registry, ModelVersion.class),
          values(bootstrap, topics.name(Topics.METRICS), registry, EvaluationReport.class),
          trained);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> values(
        String bootstrap, String topic, String registry, Class<T> type) {
      return TopicReader.readToEnd(bootstrap, topic, AvroSerdes.valueDeserializer(registry, type))
          .stream()
          .map(ConsumerRecord::value)
          .toList();
    }

    /** Predictions of requests from the topic (not HTTP calls) by the champion. */
    List<Prediction> championAnswers() {
      return predictions.stream()
          .filter(p -> p.getRole() == PredictionRole.CHAMPION)
          .filter(p -> !ServeService.HTTP_SOURCE.equals(p.getSource()))
          .toList();
    }
  }

  private static Reconciliation reconcile(
      LoopTopics topics,
      String requestsTopic,
      long labelsSent,
      long warmStart,
      List<RetrainRequest> detections) {
    long shadow =
        topics.predictions().stream().filter(p -> p.getRole() == PredictionRole.SHADOW).count();
    long serveDeadLetters =
        topics.deadLetters().stream().filter(d -> requestsTopic.equals(d.getTopic())).count();
    long firstDrift =
        detections.stream()
            .filter(d -> d.getTrigger() == RetrainCause.CONCEPT_DRIFT)
            .mapToLong(d -> d.getRequestedAt().toEpochMilli())
            .min()
            .orElse(Long.MAX_VALUE);
    long afterDrift =
        topics.versions().stream()
            .filter(v -> v.getCreatedAt().toEpochMilli() > firstDrift)
            .count();
    long rollbacks =
        topics.reports().stream().filter(r -> MetricsWatcher.ROLLBACK.equals(r.getKind())).count();
    long driftRequests =
        detections.stream().filter(d -> d.getTrigger() != RetrainCause.MANUAL).count();
    return new Reconciliation(
        topics.requests(),
        topics.championAnswers().size(),
        shadow,
        serveDeadLetters,
        labelsSent,
        topics.raw() - warmStart,
        driftRequests,
        afterDrift,
        rollbacks);
  }

  /** The served accuracy around the change of concept, in stretches of 300 requests. */
  static String recoveryLine(ServedTimeline served, long driftAt) {
    StringBuilder line =
        new StringBuilder("recovery | served accuracy by requests after the change at ");
    line.append(String.format(Locale.ROOT, "%,d:", driftAt));
    line.append(
        String.format(
            Locale.ROOT, " before %.3f", served.accuracy(Math.max(0, driftAt - 600), driftAt)));
    for (long from = driftAt; from < served.correct().size(); from += 300) {
      line.append(
          String.format(
              Locale.ROOT, " | +%,d: %.3f", from - driftAt, served.accuracy(from, from + 300)));
    }
    return line.toString();
  }

  /** The freshness of the served model, from what the topics held at the end. */
  static Freshness.Result freshness(LoopTopics topics) {
    List<Freshness.Served> served =
        topics.championAnswers().stream()
            .map(p -> new Freshness.Served(p.getVersion(), p.getServedAt().toEpochMilli()))
            .toList();
    return Freshness.compute(topics.trained(), topics.versions(), served, topics.requestTimes());
  }

  /** Streams the dataset as requests and delayed labels, on its own thread. */
  private final class Feed implements Runnable {
    private final KafkaConnection kafka;
    private final PipelineSpec spec;
    private final Supplier<IngestSource> source;
    private final long rows;
    private final Options options;
    final AtomicLong finishedNanos = new AtomicLong();
    final AtomicLong requestsSent = new AtomicLong();
    final AtomicLong labelsSent = new AtomicLong();
    final AtomicLong warmStartSent = new AtomicLong();
    final AtomicReference<Exception> failure = new AtomicReference<>();
    final Map<String, String> truth = new ConcurrentHashMap<>();
    private volatile PrequentialFeed prequential;
    private final BooleanSupplier championReady;

    List<String> requestOrder() {
      PrequentialFeed feed = prequential;
      return feed == null ? List.of() : List.copyOf(feed.requestOrder());
    }

    Feed(
        KafkaConnection kafka,
        PipelineSpec spec,
        Supplier<IngestSource> source,
        long rows,
        Options options,
        BooleanSupplier championReady) {
      this.championReady = championReady;
      this.kafka = kafka;
      this.spec = spec;
      this.source = source;
      this.rows = rows;
      this.options = options;
    }

    /**
     * Sends the warm start straight into {@code raw}, labelled, and waits for the first champion.
     *
     * @return records of the input it took
     */
    private long warmStart(Iterator<Outcome<RawRecord>> items) throws InterruptedException {
      long warm = options.warmStartFor(spec, rows);
      if (warm == 0) {
        return 0;
      }
      List<Outcome<RawRecord>> head = new ArrayList<>();
      while (head.size() < warm && items.hasNext()) {
        Outcome<RawRecord> item = items.next();
        if (item instanceof Outcome.Accepted<RawRecord> accepted) {
          RawRecord record = accepted.value();
          String label =
              PrequentialFeed.conceptAt(
                  head.size() + 1, record.getLabel(), options.driftAt(), spec.label().classes());
          item = Outcome.accepted(RawRecord.newBuilder(record).setLabel(label).build());
        }
        head.add(item);
      }
      try (RawRecordProducer raw = new RawRecordProducer(kafka)) {
        raw.produce(
            head.iterator(),
            options.rate(),
            new ProgressMeter(
                "warm start", head.size(), Duration.ofSeconds(2), out::println, System::nanoTime));
      }
      warmStartSent.set(head.size());
      out.printf(
          "warm start: %,d labelled records straight into raw; requests start with the first"
              + " champion%n",
          head.size());
      long deadline = System.nanoTime() + options.idleTimeout().toNanos();
      while (!championReady.getAsBoolean() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      return head.size();
    }

    @Override
    public void run() {
      Properties props = kafka.clientProperties();
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.CLIENT_ID_CONFIG, "streamtune-demo-labels");
      String labelsTopic = kafka.topics().name(Topics.LABELS);
      try (RawRecordProducer requests = new RawRecordProducer(kafka, Topics.REQUESTS);
          KafkaProducer<String, Label> labels =
              new KafkaProducer<>(
                  props,
                  new StringSerializer(),
                  AvroSerdes.valueSerializer(kafka.schemaRegistryUrl(), kafka.registrySettings()));
          IngestSource input = source.get()) {
        Iterator<Outcome<RawRecord>> items = input.items();
        long warm = warmStart(items);
        PrequentialFeed feed =
            new PrequentialFeed(
                items,
                warm,
                options.labelDelay(),
                options.driftAt(),
                spec.label().classes(),
                label -> {
                  labels.send(new ProducerRecord<>(labelsTopic, label.getRecordId(), label));
                  truth.put(label.getRecordId(), label.getLabel());
                  labelsSent.incrementAndGet();
                },
                Clock.systemUTC());
        prequential = feed;
        RawRecordProducer.Counts counts =
            requests.produce(
                feed,
                options.rate(),
                new ProgressMeter(
                    "requests", rows, Duration.ofSeconds(2), out::println, System::nanoTime));
        labels.flush();
        requestsSent.set(counts.produced());
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
