package io.streamtune.feedback;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.feedback.drift.ErrorRateMonitor;
import io.streamtune.feedback.drift.LabelDistributionMonitor;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.Label;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.Prediction;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The feedback application's topology. Every input is keyed by record id (requests, labels,
 * predictions) or model id ({@code models.promoted}), and timed by its record timestamp.
 *
 * <ul>
 *   <li>{@code requests} ⋈ {@code labels} within {@code feedback.join.window.ms} after the request
 *       → the request with its label (attribute {@code feedback=true}) to {@code raw}, so it flows
 *       into preprocessing and training; the first label of a record wins.
 *   <li>{@code predictions} ⋈ {@code labels} (same window) → {@link Outcome}s, rekeyed by model id
 *       onto one repartition topic together with the labels and the promotions, so that all of a
 *       model's state is in one task:
 *       <ul>
 *         <li>online metrics per version and role over tumbling and sliding windows, one report per
 *             window when it closes, to {@code metrics};
 *         <li>the {@link ModelMonitor}: concept drift of each champion version, label-distribution
 *             drift, the champion/shadow rollback test; to {@code control}, {@code models.promoted}
 *             and {@code metrics}.
 *       </ul>
 * </ul>
 *
 * <p>{@code requests}, {@code labels} and {@code predictions} must have the same number of
 * partitions (the joins are co-partitioned; Kafka Streams refuses to start otherwise).
 *
 * <p>The sliding windows are hopping windows of {@code feedback.metrics.sliding.ms} advancing by
 * {@code feedback.metrics.tumbling.ms}: Kafka Streams' own sliding windows open one window per
 * record and would publish one report per labelled prediction.
 */
public final class FeedbackApp {

  static final String LABELLED_DEDUP_STORE = "feedback-labelled-seen";
  static final String OUTCOME_DEDUP_STORE = "feedback-outcomes-seen";
  static final String BY_MODEL_TOPIC = "by-model";

  private FeedbackApp() {}

  public static Topology buildTopology(FeedbackConfig config) {
    return buildTopology(config, new FeedbackMeters());
  }

  /** The topology, counting into {@code meters} (peeks named, so no generated name shifts). */
  static Topology buildTopology(FeedbackConfig config, FeedbackMeters meters) {
    KafkaConnection kafka = config.kafka();
    Topics topics = kafka.topics();
    Serde<String> keys = Serdes.String();
    Serde<RawRecord> rawSerde = avro(kafka, RawRecord.class);
    Serde<Label> labelSerde = avro(kafka, Label.class);
    Serde<Prediction> predictionSerde = avro(kafka, Prediction.class);
    Serde<ModelVersion> versionSerde = avro(kafka, ModelVersion.class);
    Serde<EvaluationReport> reportSerde = avro(kafka, EvaluationReport.class);
    Serde<RetrainRequest> retrainSerde = avro(kafka, RetrainRequest.class);
    Serde<Outcome> outcomeSerde = new JsonSerde<>(Outcome.class);
    Serde<Event> eventSerde = new JsonSerde<>(Event.class);

    JoinWindows window =
        JoinWindows.ofTimeDifferenceAndGrace(config.joinWindow(), config.joinGrace())
            .before(Duration.ZERO);
    // a repeated label joins within the window after the first, and may come grace late
    Duration horizon = config.joinWindow().plus(config.joinGrace());

    boolean inMemory = config.stateStore() == FeedbackConfig.StateStore.MEMORY;
    Properties topologyProps = new Properties();
    topologyProps.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    topologyProps.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    topologyProps.put(
        StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG,
        inMemory
            ? BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class
            : BuiltInDslStoreSuppliers.RocksDBDslStoreSuppliers.class);
    StreamsBuilder builder =
        new StreamsBuilder(new TopologyConfig(new StreamsConfig(topologyProps)));
    builder.addStateStore(dedupStore(LABELLED_DEDUP_STORE, horizon, inMemory));
    builder.addStateStore(dedupStore(OUTCOME_DEDUP_STORE, horizon, inMemory));

    KStream<String, RawRecord> requests =
        builder.stream(topics.name(Topics.REQUESTS), Consumed.with(keys, rawSerde));
    // a tombstone is no label: joins skip it, the label-distribution test must too
    KStream<String, Label> labels =
        builder.stream(topics.name(Topics.LABELS), Consumed.with(keys, labelSerde))
            .filter((id, label) -> label != null && label.getLabel() != null, Named.as("labels"))
            .peek((id, label) -> meters.recordsIn.incrementAndGet(), Named.as("labels-counted"));
    KStream<String, Prediction> predictions =
        builder.stream(topics.name(Topics.PREDICTIONS), Consumed.with(keys, predictionSerde))
            .peek((id, p) -> meters.recordsIn.incrementAndGet(), Named.as("predictions-counted"));
    KStream<String, ModelVersion> promotions =
        builder.stream(topics.name(Topics.MODELS_PROMOTED), Consumed.with(keys, versionSerde))
            .filter((id, version) -> version != null, Named.as("promotions"));

    // 1. labelled requests back into training
    requests
        .join(
            labels,
            FeedbackApp::labelled,
            window,
            StreamJoined.with(keys, rawSerde, labelSerde)
                .withName("requests-labels")
                .withStoreName("requests-labels"))
        .processValues(
            () -> new Deduplicate<RawRecord>(LABELLED_DEDUP_STORE, horizon, r -> r.key()),
            Named.as("labelled-first-wins"),
            LABELLED_DEDUP_STORE)
        .peek((id, r) -> meters.recordsOut.incrementAndGet(), Named.as("labelled-counted"))
        .to(topics.name(Topics.RAW), Produced.with(keys, rawSerde));

    // 2. labelled predictions, with the labels and promotions, onto one topic keyed by model id
    KStream<String, Event> outcomes =
        predictions
            .join(
                labels,
                Outcome::of,
                window,
                StreamJoined.with(keys, predictionSerde, labelSerde)
                    .withName("predictions-labels")
                    .withStoreName("predictions-labels"))
            .processValues(
                () ->
                    new Deduplicate<Outcome>(
                        OUTCOME_DEDUP_STORE,
                        horizon,
                        r -> r.key() + "/" + r.value().version() + "/" + r.value().role()),
                Named.as("outcomes-first-wins"),
                OUTCOME_DEDUP_STORE)
            .peek((id, o) -> meters.labelsJoined.incrementAndGet(), Named.as("outcomes-counted"))
            .map((id, o) -> KeyValue.pair(o.modelId(), Event.of(o)), Named.as("outcome-by-model"));
    String modelId = config.modelId();
    KStream<String, Event> labelEvents =
        labels.map(
            (id, l) -> KeyValue.pair(modelId, Event.label(l.getLabel())),
            Named.as("label-by-model"));
    KStream<String, Event> promotionEvents =
        promotions.map(
            (id, v) -> KeyValue.pair(v.getModelId(), Event.promoted(PromotedHistory.encode(v))),
            Named.as("promotion-by-model"));
    KStream<String, Event> byModel =
        outcomes
            .merge(labelEvents)
            .merge(promotionEvents)
            .repartition(Repartitioned.with(keys, eventSerde).withName(BY_MODEL_TOPIC));

    // 3. online metrics
    KGroupedStream<String, Outcome> grouped =
        byModel
            .filter((m, e) -> e.outcome() != null)
            .mapValues(Event::outcome)
            .groupByKey(Grouped.with(keys, outcomeSerde));
    String tumblingName = "tumbling " + config.tumbling().toMillis() + " ms";
    String slidingName = "sliding " + config.sliding().toMillis() + " ms";
    windowedReports(
            grouped,
            TimeWindows.ofSizeAndGrace(config.tumbling(), config.joinGrace()),
            "tumbling-metrics",
            tumblingName)
        .peek((m, report) -> meters.onlineReport(report), Named.as("tumbling-metrics-counted"))
        .merge(
            windowedReports(
                grouped,
                TimeWindows.ofSizeAndGrace(config.sliding(), config.joinGrace())
                    .advanceBy(config.tumbling()),
                "sliding-metrics",
                slidingName))
        .peek((m, report) -> meters.recordsOut.incrementAndGet(), Named.as("reports-counted"))
        .to(topics.name(Topics.METRICS), Produced.with(keys, reportSerde));

    // 4. drift detection and rollback
    builder.addStateStore(kv(ModelMonitor.DRIFT_STORE, ErrorRateMonitor.State.class, inMemory));
    builder.addStateStore(kv(ModelMonitor.PROMOTED_STORE, PromotedHistory.class, inMemory));
    builder.addStateStore(kv(ModelMonitor.JUDGE_STORE, RollbackJudge.State.class, inMemory));
    builder.addStateStore(
        kv(ModelMonitor.LABELS_STORE, LabelDistributionMonitor.State.class, inMemory));
    builder.addStateStore(
        Stores.windowStoreBuilder(
            windowStore(ModelMonitor.PENDING_STORE, horizon, inMemory), keys, outcomeSerde));
    KStream<String, ModelMonitor.Emit> decisions =
        byModel.process(
            () -> new ModelMonitor(config, horizon),
            Named.as("model-monitor"),
            ModelMonitor.DRIFT_STORE,
            ModelMonitor.PROMOTED_STORE,
            ModelMonitor.JUDGE_STORE,
            ModelMonitor.LABELS_STORE,
            ModelMonitor.PENDING_STORE);
    decisions
        .filter((m, e) -> e.retrain() != null)
        .mapValues(ModelMonitor.Emit::retrain)
        .peek(
            (m, retrain) -> {
              meters.driftDetections.incrementAndGet();
              meters.recordsOut.incrementAndGet();
            },
            Named.as("retrains-counted"))
        .to(topics.name(Topics.CONTROL), Produced.with(keys, retrainSerde));
    decisions
        .filter((m, e) -> e.promote() != null)
        .mapValues(ModelMonitor.Emit::promote)
        .to(topics.name(Topics.MODELS_PROMOTED), Produced.with(keys, versionSerde));
    decisions
        .filter((m, e) -> e.report() != null)
        .mapValues(ModelMonitor.Emit::report)
        .to(topics.name(Topics.METRICS), Produced.with(keys, reportSerde));
    return builder.build();
  }

  /** The request with its label: the record the preprocessing job takes from {@code raw}. */
  static RawRecord labelled(RawRecord request, Label label) {
    Map<String, String> attributes = new HashMap<>(request.getAttributes());
    attributes.put("feedback", "true");
    return RawRecord.newBuilder(request)
        .setLabel(label.getLabel())
        .setAttributes(attributes)
        .build();
  }

  private static KStream<String, EvaluationReport> windowedReports(
      KGroupedStream<String, Outcome> grouped, TimeWindows windows, String name, String label) {
    return grouped
        .windowedBy(windows)
        .aggregate(
            OnlineCounts.PerVersion::empty,
            (model, outcome, counts) -> counts.add(outcome),
            Named.as(name),
            Materialized.<String, OnlineCounts.PerVersion, WindowStore<Bytes, byte[]>>as(name)
                .withKeySerde(Serdes.String())
                .withValueSerde(new JsonSerde<>(OnlineCounts.PerVersion.class)))
        .suppress(
            Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())
                .withName(name + "-final"))
        .toStream(Named.as(name + "-closed"))
        .flatMap(
            (windowed, counts) -> reports(windowed, counts, label), Named.as(name + "-reports"));
  }

  private static List<KeyValue<String, EvaluationReport>> reports(
      Windowed<String> windowed, OnlineCounts.PerVersion counts, String window) {
    List<KeyValue<String, EvaluationReport>> reports = new ArrayList<>();
    if (counts == null) {
      return reports;
    }
    Instant start = Instant.ofEpochMilli(windowed.window().start());
    Instant end = Instant.ofEpochMilli(windowed.window().end());
    counts
        .byVersionRole()
        .forEach(
            (versionRole, c) -> {
              int slash = versionRole.indexOf('/');
              int version = Integer.parseInt(versionRole.substring(0, slash));
              String role = versionRole.substring(slash + 1);
              reports.add(
                  KeyValue.pair(
                      windowed.key(),
                      OnlineReports.online(windowed.key(), version, role, c, window, start, end)));
            });
    return reports;
  }

  private static <T> StoreBuilder<KeyValueStore<String, T>> kv(
      String name, Class<T> type, boolean inMemory) {
    return Stores.keyValueStoreBuilder(
        inMemory ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name),
        Serdes.String(),
        new JsonSerde<>(type));
  }

  /** Entries live {@code horizon} either side of their time: twice that is kept. */
  private static WindowBytesStoreSupplier windowStore(
      String name, Duration horizon, boolean inMemory) {
    return inMemory
        ? Stores.inMemoryWindowStore(name, horizon.multipliedBy(2), horizon, false)
        : Stores.persistentWindowStore(name, horizon.multipliedBy(2), horizon, false);
  }

  private static StoreBuilder<WindowStore<String, Long>> dedupStore(
      String name, Duration horizon, boolean inMemory) {
    return Stores.windowStoreBuilder(
        windowStore(name, horizon, inMemory), Serdes.String(), Serdes.Long());
  }

  static <T extends SpecificRecord> Serde<T> avro(KafkaConnection kafka, Class<T> type) {
    return Serdes.serdeFrom(
        AvroSerdes.valueSerializer(kafka.schemaRegistryUrl(), kafka.registrySettings()),
        AvroSerdes.valueDeserializer(kafka.schemaRegistryUrl(), kafka.registrySettings(), type));
  }
}
