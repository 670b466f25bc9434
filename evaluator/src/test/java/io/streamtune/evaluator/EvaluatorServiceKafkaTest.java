package io.streamtune.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.model.MlpClassifier;
import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.model.StoredModel;
import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service against a real broker, schema registry and DJL models saved in a model store: its
 * reports must carry exactly the scores of the stored models' own predictions on the holdout.
 */
class EvaluatorServiceKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final String MODEL_ID = "credit";
  private static final List<String> LABELS = List.of("no", "yes");
  private static final int FEATURES = 3;
  private static final int HOLDOUT = 60;
  private static final int REPLAYED = 10;

  @TempDir Path storeRoot;

  @Test
  @Timeout(120)
  void scoresGatesAndPublishesEveryVersion() throws Exception {
    Topics topics = KAFKA.topics();
    String registry = KAFKA.schemaRegistryUrl();
    ModelStore store = new ModelStore(storeRoot);
    // v1 says "yes" exactly when x0 > 0 (mostly right); v2 always says "no" (the majority)
    Path v1 = save(store, 1, new float[] {1, 0, 0, -1, 0, 0}, new float[] {0, 1, 1, 0}, 0);
    Path v2 = save(store, 2, new float[] {1, 0, 0, -1, 0, 0}, new float[] {0, 0, 0, 0}, 1);
    Path missing = storeRoot.resolve(MODEL_ID).resolve("v3");

    List<Example> holdout = holdout();
    try (KafkaProducer<String, SpecificRecord> producer = producer(registry)) {
      for (Example example : holdout) {
        producer.send(
            new ProducerRecord<>(topics.name(Topics.EXAMPLES_HOLDOUT), example.getId(), example));
      }
      // a replay of the first examples must not count twice
      for (Example example : holdout.subList(0, REPLAYED)) {
        producer.send(
            new ProducerRecord<>(topics.name(Topics.EXAMPLES_HOLDOUT), example.getId(), example));
      }
      producer.flush();
      for (ModelVersion version : List.of(version(1, v1), version(2, v2), version(3, missing))) {
        producer.send(new ProducerRecord<>(topics.name(Topics.MODELS), MODEL_ID, version));
      }
      producer.flush();
    }

    EvaluatorConfig config =
        EvaluatorConfig.of(
                new KafkaConnection(KAFKA.bootstrapServers(), registry, topics),
                spec(),
                "evaluator-it",
                1000,
                Duration.ofMillis(100),
                Duration.ofSeconds(5))
            .withModelStore(storeRoot);
    EvaluatorService service = new EvaluatorService(config);
    Thread thread = new Thread(service, "evaluator-under-test");
    thread.start();
    try {
      List<ConsumerRecord<String, EvaluationReport>> reports =
          TopicReader.readAtLeast(
              KAFKA.bootstrapServers(),
              topics.name(Topics.METRICS),
              AvroSerdes.valueDeserializer(registry, EvaluationReport.class),
              2,
              Duration.ofSeconds(60));
      List<ConsumerRecord<String, DeadLetter>> deadLetters =
          TopicReader.readAtLeast(
              KAFKA.bootstrapServers(),
              topics.name(Topics.DEADLETTER),
              AvroSerdes.valueDeserializer(registry, DeadLetter.class),
              1,
              Duration.ofSeconds(30));
      List<ConsumerRecord<String, ModelVersion>> promoted =
          TopicReader.readAll(
              KAFKA.bootstrapServers(),
              topics.name(Topics.MODELS_PROMOTED),
              AvroSerdes.valueDeserializer(registry, ModelVersion.class),
              Duration.ofSeconds(2));

      float[][] features = new float[HOLDOUT][];
      int[] actual = new int[HOLDOUT];
      for (int i = 0; i < HOLDOUT; i++) {
        features[i] = toArray(holdout.get(i).getFeatures());
        actual[i] = holdout.get(i).getLabelIndex();
      }
      ClassificationMetrics expected1 = expected(store, v1, features, actual);
      ClassificationMetrics expected2 = expected(store, v2, features, actual);
      assertThat(expected1.macroF1()).isGreaterThan(expected1.majorityBaselineMacroF1());

      assertThat(reports).hasSize(2);
      assertThat(reports).allSatisfy(r -> assertThat(r.key()).isEqualTo(MODEL_ID));
      EvaluationReport first =
          reports.stream()
              .filter(r -> r.value().getVersion() == 1)
              .findFirst()
              .orElseThrow()
              .value();
      EvaluationReport second =
          reports.stream()
              .filter(r -> r.value().getVersion() == 2)
              .findFirst()
              .orElseThrow()
              .value();
      assertMatches(first, expected1);
      assertMatches(second, expected2);
      assertThat(first.getPromoted()).isTrue();
      assertThat(first.getChampionVersion()).isNull();
      assertThat(first.getExamplesTrainedOn()).isEqualTo(100L);
      assertThat(second.getPromoted()).isFalse();
      assertThat(second.getChampionVersion()).isEqualTo(1);
      assertThat(second.getGateReason())
          .startsWith("paired-bootstrap-macro-f1 vs champion v1 on " + HOLDOUT + " examples")
          .endsWith("significantly worse, the champion stays");
      assertThat(second.getChampionMacroF1()).isEqualTo(first.getMacroF1());
      assertThat(second.getGateDifference())
          .isEqualTo(second.getMacroF1() - first.getMacroF1())
          .isNegative();
      assertThat(second.getGateDifferenceInterval().getHigh()).isNegative();

      assertThat(promoted).hasSize(1);
      assertThat(promoted.get(0).key()).isEqualTo(MODEL_ID);
      assertThat(promoted.get(0).value()).isEqualTo(version(1, v1));

      assertThat(deadLetters).hasSize(1);
      DeadLetter letter = deadLetters.get(0).value();
      assertThat(letter.getStage()).isEqualTo(EvaluatorService.DEAD_LETTER_STAGE);
      assertThat(letter.getTopic()).isEqualTo(topics.name(Topics.MODELS));
      assertThat(letter.getReason()).contains("credit v3").contains(missing.toString());
      assertThat(letter.getOriginalValue()).isNotNull();

      await().atMost(Duration.ofSeconds(10)).until(() -> service.versionsSkipped() == 1);
      assertThat(service.reportsPublished()).isEqualTo(2);
      assertThat(service.holdoutSize()).isEqualTo(HOLDOUT);
    } finally {
      service.close();
      thread.join(Duration.ofSeconds(30).toMillis());
    }
    assertThat(thread.isAlive()).isFalse();
    assertThat(service.failure()).isEmpty();

    // A restarted evaluator resumes after the versions it reported (offsets were committed with
    // the reports) and takes its champion from the promoted topic.
    Path v4 = save(store, 4, new float[] {1, 0, 0, -1, 0, 0}, new float[] {0, 1, 1, 0}, 0);
    try (KafkaProducer<String, SpecificRecord> producer = producer(registry)) {
      producer.send(new ProducerRecord<>(topics.name(Topics.MODELS), MODEL_ID, version(4, v4)));
    }
    EvaluatorService restarted = new EvaluatorService(config);
    Thread restartedThread = new Thread(restarted, "evaluator-restarted");
    restartedThread.start();
    try {
      List<ConsumerRecord<String, EvaluationReport>> reports =
          TopicReader.readAtLeast(
              KAFKA.bootstrapServers(),
              topics.name(Topics.METRICS),
              AvroSerdes.valueDeserializer(registry, EvaluationReport.class),
              3,
              Duration.ofSeconds(60));
      assertThat(reports).extracting(r -> r.value().getVersion()).containsExactly(1, 2, 4);
      EvaluationReport fourth = reports.get(2).value();
      // same weights as the champion, which the restarted evaluator took from the promoted topic
      // and scored on this holdout: the same answers on every example are no reason to promote
      assertThat(fourth.getChampionVersion()).isEqualTo(1);
      assertThat(fourth.getChampionMacroF1()).isEqualTo(fourth.getMacroF1());
      assertThat(fourth.getGateDifference()).isZero();
      assertThat(fourth.getGatePValue()).isEqualTo(1.0);
      assertThat(fourth.getPromoted()).isFalse();
      assertThat(fourth.getGateReason())
          .isEqualTo(
              "paired-bootstrap-macro-f1 vs champion v1 on "
                  + HOLDOUT
                  + " examples: difference +0.0000, 95% interval [+0.0000, +0.0000], p = 1 >= α"
                  + " 0.05: not significantly better, the champion stays");
      assertThat(restarted.reportsPublished()).isEqualTo(1);
    } finally {
      restarted.close();
      restartedThread.join(Duration.ofSeconds(30).toMillis());
    }
    assertThat(restartedThread.isAlive()).isFalse();
  }

  private static void assertMatches(EvaluationReport report, ClassificationMetrics expected) {
    assertThat(report.getHoldoutSize()).isEqualTo(HOLDOUT);
    assertThat(report.getLabels()).containsExactlyElementsOf(LABELS);
    assertThat(report.getAccuracy()).isEqualTo(expected.accuracy());
    assertThat(report.getMacroPrecision()).isEqualTo(expected.macroPrecision());
    assertThat(report.getMacroRecall()).isEqualTo(expected.macroRecall());
    assertThat(report.getMacroF1()).isEqualTo(expected.macroF1());
    assertThat(report.getMajorityBaselineMacroF1()).isEqualTo(expected.majorityBaselineMacroF1());
    // the evolved schema's fields travel through the registry and the topic
    assertThat(report.getBalancedAccuracy()).isEqualTo(expected.balancedAccuracy());
    assertThat(report.getWeightedF1()).isEqualTo(expected.weightedF1());
    assertThat(report.getMacroF1Interval().getLow()).isLessThanOrEqualTo(expected.macroF1());
    assertThat(report.getMacroF1Interval().getHigh()).isGreaterThanOrEqualTo(expected.macroF1());
    assertThat(report.getAccuracyInterval().getLevel()).isEqualTo(0.95);
    assertThat(report.getLogLoss()).isPositive();
    assertThat(report.getBrierScore()).isPositive();
    assertThat(report.getExpectedCalibrationError()).isNotNull();
    assertThat(report.getLatencyP99Millis()).isGreaterThanOrEqualTo(report.getLatencyP50Millis());
    List<List<Long>> confusion = new ArrayList<>();
    for (long[] row : expected.confusionMatrix()) {
      confusion.add(java.util.Arrays.stream(row).boxed().toList());
    }
    assertThat(report.getConfusionMatrix()).isEqualTo(confusion);
    for (int k = 0; k < LABELS.size(); k++) {
      assertThat(report.getPerClass().get(k).getF1()).isEqualTo(expected.perClass().get(k).f1());
      assertThat(report.getPerClass().get(k).getSupport())
          .isEqualTo(expected.perClass().get(k).support());
    }
  }

  /** Scores computed directly from the stored model's own predictions. */
  private static ClassificationMetrics expected(
      ModelStore store, Path dir, float[][] features, int[] actual) {
    try (StoredModel model = store.load(dir)) {
      return ClassificationMetrics.compute(actual, model.predict(features), LABELS);
    }
  }

  /** A one-hidden-layer MLP (2 ReLU units) with the given weights; biases zero except output. */
  static Path save(
      ModelStore store, int version, float[] hiddenWeights, float[] outputWeights, float noBias) {
    List<Integer> hidden = List.of(2);
    ModelMetadata metadata =
        new ModelMetadata(
            MODEL_ID,
            version,
            MlpClassifier.architecture(hidden),
            LABELS,
            List.of(),
            FEATURES,
            hidden,
            7,
            Instant.now().toString());
    try (Model model = Model.newInstance(MODEL_ID, Device.cpu())) {
      Block block = MlpClassifier.block(FEATURES, hidden, LABELS.size());
      model.setBlock(block);
      block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, FEATURES));
      List<Parameter> parameters = new ArrayList<>(block.getParameters().values());
      // order: hidden weight [2,3], hidden bias [2], output weight [2,2], output bias [2]
      parameters.get(0).getArray().set(hiddenWeights);
      parameters.get(1).getArray().set(new float[] {0, 0});
      parameters.get(2).getArray().set(outputWeights);
      parameters.get(3).getArray().set(new float[] {noBias, 0});
      return store.save(model, metadata, "name: credit\n");
    }
  }

  /** x0 decides the label ("yes" when above 0) except for every seventh example, flipped. */
  private static List<Example> holdout() {
    return holdout(HOLDOUT);
  }

  /** {@code size} examples (60 for the scores checked above). */
  static List<Example> holdout(int size) {
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      float x0 = ((i * 37) % size - size * 35 / 60) / 10f;
      boolean yes = x0 > 0 ^ i % 7 == 0;
      examples.add(
          Example.newBuilder()
              .setId("h" + i)
              .setSourceId("h" + i)
              .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + i))
              .setSplit(Split.HOLDOUT)
              .setLabel(yes ? "yes" : "no")
              .setLabelIndex(yes ? 1 : 0)
              .setFeatures(List.of(x0, i / (float) size, -i / (float) size))
              .build());
    }
    return examples;
  }

  static ModelVersion version(int version, Path dir) {
    return ModelVersion.newBuilder()
        .setModelId(MODEL_ID)
        .setVersion(version)
        .setParentVersion(version == 1 ? null : version - 1)
        .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
        .setStorePath(dir.toString())
        .setArchitecture("mlp[2]")
        .setLabels(LABELS)
        .setFeatureCount(FEATURES)
        .setExamplesTrainedOn(100)
        .setNewExamples(100)
        .setTotalExamplesConsumed(100L * version)
        .setConsumedOffsets(List.of())
        .setTrainLoss(0.3)
        .setEpochs(1)
        .setDurationMs(5)
        .setDevice("cpu")
        .build();
  }

  private static PipelineSpec spec() {
    return PipelineSpec.tabular(
        "credit",
        new PipelineSpec.LabelSpec("default", LABELS),
        Map.of(
            "x0", PipelineSpec.ColumnSpec.numeric(),
            "x1", PipelineSpec.ColumnSpec.numeric(),
            "x2", PipelineSpec.ColumnSpec.numeric()));
  }

  private static KafkaProducer<String, SpecificRecord> producer(String registry) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(props, new StringSerializer(), AvroSerdes.valueSerializer(registry));
  }

  private static float[] toArray(List<Float> values) {
    float[] array = new float[values.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = values.get(i);
    }
    return array;
  }
}
