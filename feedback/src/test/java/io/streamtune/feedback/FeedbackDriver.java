package io.streamtune.feedback;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.Label;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.Prediction;
import io.streamtune.schemas.avro.PredictionRole;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.avro.TabularPayload;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The feedback topology in a TopologyTestDriver, with typed inputs and outputs. */
final class FeedbackDriver implements AutoCloseable {

  static final String MODEL = "credit";
  static final List<String> CLASSES = List.of("no", "yes", "maybe");

  final FeedbackConfig config;
  final TopologyTestDriver driver;
  final TestInputTopic<String, RawRecord> requests;
  final TestInputTopic<String, Label> labels;
  final TestInputTopic<String, Prediction> predictions;
  final TestInputTopic<String, ModelVersion> promotions;
  final TestOutputTopic<String, RawRecord> raw;
  final TestOutputTopic<String, EvaluationReport> metrics;
  final TestOutputTopic<String, RetrainRequest> control;
  final TestOutputTopic<String, ModelVersion> promoted;

  static PipelineSpec spec() {
    return PipelineSpec.tabular(
        MODEL,
        new PipelineSpec.LabelSpec("default", CLASSES),
        Map.of("income", PipelineSpec.ColumnSpec.numeric()));
  }

  /**
   * The defaults (window 600 s, grace 60 s, tumbling 60 s, sliding 300 s) over a mock registry,
   * with in-memory stores.
   */
  static FeedbackConfig config(Path stateDir) {
    KafkaConnection kafka =
        new KafkaConnection(
            "localhost:9", "mock://feedback-" + UUID.randomUUID(), Topics.withDefaultPrefix());
    return FeedbackConfig.of(kafka, spec(), stateDir)
        .withStateStore(FeedbackConfig.StateStore.MEMORY);
  }

  /** What the topology counted (the app's Prometheus meters). */
  final FeedbackMeters meters = new FeedbackMeters();

  FeedbackDriver(FeedbackConfig config) {
    this.config = config;
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    driver = new TopologyTestDriver(FeedbackApp.buildTopology(config, meters), props);
    Topics topics = config.kafka().topics();
    KafkaConnection kafka = config.kafka();
    StringSerializer keyOut = new StringSerializer();
    StringDeserializer keyIn = new StringDeserializer();
    requests =
        driver.createInputTopic(
            topics.name(Topics.REQUESTS),
            keyOut,
            FeedbackApp.avro(kafka, RawRecord.class).serializer());
    labels =
        driver.createInputTopic(
            topics.name(Topics.LABELS), keyOut, FeedbackApp.avro(kafka, Label.class).serializer());
    predictions =
        driver.createInputTopic(
            topics.name(Topics.PREDICTIONS),
            keyOut,
            FeedbackApp.avro(kafka, Prediction.class).serializer());
    promotions =
        driver.createInputTopic(
            topics.name(Topics.MODELS_PROMOTED),
            keyOut,
            FeedbackApp.avro(kafka, ModelVersion.class).serializer());
    raw =
        driver.createOutputTopic(
            topics.name(Topics.RAW),
            keyIn,
            FeedbackApp.avro(kafka, RawRecord.class).deserializer());
    metrics =
        driver.createOutputTopic(
            topics.name(Topics.METRICS),
            keyIn,
            FeedbackApp.avro(kafka, EvaluationReport.class).deserializer());
    control =
        driver.createOutputTopic(
            topics.name(Topics.CONTROL),
            keyIn,
            FeedbackApp.avro(kafka, RetrainRequest.class).deserializer());
    promoted =
        driver.createOutputTopic(
            topics.name(Topics.MODELS_PROMOTED),
            keyIn,
            FeedbackApp.avro(kafka, ModelVersion.class).deserializer());
  }

  static RawRecord request(String id, long eventTime) {
    return RawRecord.newBuilder()
        .setId(id)
        .setEventTime(Instant.ofEpochMilli(eventTime))
        .setSource("test")
        .setLabel(null)
        .setPayload(new TabularPayload(Map.of("income", 1000.0 + id.hashCode() % 100)))
        .setAttributes(Map.of("origin", "serve"))
        .build();
  }

  static Label label(String id, String label, long at) {
    return new Label(id, label, Instant.ofEpochMilli(at));
  }

  /**
   * A prediction of {@code predicted}, with probability {@code p} on it and the rest spread evenly
   * over the other classes.
   */
  static Prediction prediction(
      String id, int version, PredictionRole role, String predicted, double p, long at) {
    List<Float> probabilities =
        CLASSES.stream()
            .map(c -> (float) (c.equals(predicted) ? p : (1 - p) / (CLASSES.size() - 1)))
            .toList();
    return Prediction.newBuilder()
        .setRecordId(id)
        .setModelId(MODEL)
        .setVersion(version)
        .setRole(role)
        .setPredictedLabel(predicted)
        .setLabels(CLASSES)
        .setProbabilities(probabilities)
        .setTransformVersion(0)
        .setLatencyMicros(100)
        .setRequestTime(Instant.ofEpochMilli(at))
        .setServedAt(Instant.ofEpochMilli(at))
        .setSource("test")
        .build();
  }

  static ModelVersion version(int version, Integer parent) {
    return ModelVersion.newBuilder()
        .setModelId(MODEL)
        .setVersion(version)
        .setParentVersion(parent)
        .setCreatedAt(Instant.ofEpochMilli(1000L * version))
        .setStorePath("store/" + MODEL + "/v" + version)
        .setArchitecture("mlp")
        .setLabels(CLASSES)
        .setFeatureCount(1)
        .setExamplesTrainedOn(100L * version)
        .setNewExamples(100)
        .setTotalExamplesConsumed(100L * version)
        .setConsumedOffsets(List.of())
        .setTrainLoss(0.5)
        .setEpochs(1)
        .setDurationMs(10)
        .setDevice("cpu()")
        .build();
  }

  void sendPrediction(Prediction prediction, long at) {
    predictions.pipeInput(prediction.getRecordId(), prediction, at);
  }

  void sendLabel(String id, String label, long at) {
    labels.pipeInput(id, label(id, label, at), at);
  }

  void sendRequest(String id, long at) {
    requests.pipeInput(id, request(id, at), at);
  }

  void sendPromotion(ModelVersion version, long at) {
    promotions.pipeInput(version.getModelId(), version, at);
  }

  @Override
  public void close() {
    driver.close();
  }
}
