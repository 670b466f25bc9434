package io.streamtune.preprocess;

import static io.streamtune.preprocess.TestSpecs.tabular;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.preprocess.core.Splitter;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.spec.PipelineSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

/**
 * The topology on a local MiniCluster with an in-memory source, collecting sinks and a mock
 * registry: what reaches each sink, without Kafka in the way.
 */
class PreprocessWorkflowTest {

  private static final String REGISTRY = "mock://preprocess-workflow-test";
  private static final String TOPIC = "streamtune.raw";

  @Test
  void validRowsBecomeExamplesAndBadOnesDeadLetters() throws Exception {
    PipelineSpec spec = TestSpecs.credit();
    List<RawEnvelope> envelopes = new ArrayList<>();
    try (Serializer<RawRecord> serializer = AvroSerdes.valueSerializer(REGISTRY)) {
      for (int i = 0; i < 40; i++) {
        RawRecord record =
            tabular("w" + i, i % 3 == 0 ? "bad" : "good", "Income", 10.0 * i, "Home", "rent");
        envelopes.add(envelope(i, "w" + i, serializer.serialize(TOPIC, record)));
      }
      envelopes.add(
          envelope(40, "bad", serializer.serialize(TOPIC, tabular("bad", "good", "Age", "abc"))));
    }
    envelopes.add(envelope(41, "junk", "junk".getBytes(StandardCharsets.UTF_8)));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
    CollectingSink<Example> examples = new CollectingSink<>("workflow-examples");
    CollectingSink<DeadLetter> deadLetters = new CollectingSink<>("workflow-deadletters");
    PreprocessJob.defineWorkflow(
        env.fromData(envelopes, TypeInformation.of(RawEnvelope.class)),
        spec,
        REGISTRY,
        new Sinks(examples, deadLetters));
    env.execute("workflow-test");

    Splitter splitter = Splitter.of(spec.split());
    assertThat(examples.collected()).hasSize(40);
    assertThat(examples.collected())
        .allMatch(e -> e.getSplit() == splitter.splitOf(e.getId()))
        .allMatch(e -> e.getFeatures().size() == spec.featureNames().size());
    long train = examples.collected().stream().filter(e -> e.getSplit() == Split.TRAIN).count();
    assertThat(examples.collected().stream().mapToLong(Example::getTransformVersion).max())
        .hasValue(train);

    Map<String, DeadLetter> byStage =
        deadLetters.collected().stream()
            .collect(Collectors.toMap(DeadLetter::getStage, Function.identity()));
    assertThat(byStage).containsOnlyKeys("validate", "deserialize");
    assertThat(byStage.get("validate").getReason())
        .isEqualTo("column 'Age': 'abc' is not a number");
    assertThat(byStage.get("validate").getOffset()).isEqualTo(40);
    assertThat(byStage.get("deserialize").getOffset()).isEqualTo(41);
  }

  @Test
  void rowsAStepRejectsReachTheDeadLetterSinkWithTheirBytes() throws Exception {
    PipelineSpec spec =
        TestSpecs.credit(
            """
            preprocess:
              steps:
                - dropMissing: {columns: [Age]}
                - impute: {strategy: mean}
                - log1p: {columns: [Income]}
                - impute: {strategy: most_frequent}
                - oneHot: {}
            """);
    List<RawEnvelope> envelopes = new ArrayList<>();
    try (Serializer<RawRecord> serializer = AvroSerdes.valueSerializer(REGISTRY)) {
      envelopes.add(
          envelope(
              0,
              "ok",
              serializer.serialize(TOPIC, tabular("ok", "good", "Income", 5.0, "Age", 30.0))));
      envelopes.add(
          envelope(
              1, "no-age", serializer.serialize(TOPIC, tabular("no-age", "good", "Income", 5.0))));
      envelopes.add(
          envelope(
              2,
              "neg",
              serializer.serialize(TOPIC, tabular("neg", "good", "Income", -5.0, "Age", 30.0))));
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
    CollectingSink<Example> examples = new CollectingSink<>("workflow-step-examples");
    CollectingSink<DeadLetter> deadLetters = new CollectingSink<>("workflow-step-deadletters");
    PreprocessJob.defineWorkflow(
        env.fromData(envelopes, TypeInformation.of(RawEnvelope.class)),
        spec,
        REGISTRY,
        new Sinks(examples, deadLetters));
    env.execute("workflow-step-test");

    assertThat(examples.collected()).extracting(Example::getId).containsExactly("ok");
    Map<String, DeadLetter> byStage =
        deadLetters.collected().stream()
            .collect(Collectors.toMap(DeadLetter::getStage, Function.identity()));
    assertThat(byStage).containsOnlyKeys("clean", "transform");
    assertThat(byStage.get("clean").getOffset()).isEqualTo(1);
    assertThat(byStage.get("transform").getOffset()).isEqualTo(2);
    assertThat(byStage.get("transform").getOriginalValue()).isNotNull();
  }

  @Test
  void badCellsBecomeMissingAndAreCountedPerColumnInTheStageMetrics() throws Exception {
    PipelineSpec spec = TestSpecs.credit("preprocess:\n  badValues: missing\n");
    List<RawEnvelope> envelopes = new ArrayList<>();
    try (Serializer<RawRecord> serializer = AvroSerdes.valueSerializer(REGISTRY)) {
      for (int i = 0; i < 30; i++) {
        Object income = i % 10 == 0 ? "high" : i % 10 == 1 ? "1e400" : (Object) (10.0 * i);
        Object age = i == 5 ? "-inf" : (Object) (20.0 + i);
        RawRecord record =
            tabular("m" + i, i % 3 == 0 ? "bad" : "good", "Income", income, "Age", age);
        envelopes.add(envelope(i, "m" + i, serializer.serialize(TOPIC, record)));
      }
    }
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    io.streamtune.preprocess.flink.StageMetricsReporter.reportTo(registry);
    try {
      StreamExecutionEnvironment env =
          PreprocessJob.localEnvironment(
              2, io.streamtune.preprocess.flink.StageMetricsReporter.CONFIGURATION);
      CollectingSink<Example> examples = new CollectingSink<>("workflow-bad-examples");
      CollectingSink<DeadLetter> deadLetters = new CollectingSink<>("workflow-bad-deadletters");
      PreprocessJob.defineWorkflow(
          env.fromData(envelopes, TypeInformation.of(RawEnvelope.class)),
          spec,
          REGISTRY,
          new Sinks(examples, deadLetters));
      env.execute("workflow-bad-cells-test");

      assertThat(examples.collected()).hasSize(30);
      assertThat(deadLetters.collected()).isEmpty();
      assertThat(badCells(registry, "Income")).isEqualTo(6.0);
      assertThat(badCells(registry, "Age")).isEqualTo(1.0);
    } finally {
      io.streamtune.preprocess.flink.StageMetricsReporter.reportTo(null);
    }
  }

  private static double badCells(
      io.micrometer.core.instrument.MeterRegistry registry, String column) {
    return registry
        .find("streamtune.preprocess.bad.cells")
        .tag("column", column)
        .functionCounters()
        .stream()
        .mapToDouble(io.micrometer.core.instrument.FunctionCounter::count)
        .sum();
  }

  /**
   * At parallelism 2 the intake runs twice and the steps once; the examples sink takes the steps'
   * parallelism and runs in their task, so an example is not serialized for a network hop before
   * its Avro serialization for Kafka.
   */
  @Test
  void theExamplesSinkRunsInTheStepsTask() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
    PreprocessJob.defineWorkflow(
        env.fromData(
            List.of(envelope(0, "k", new byte[] {0})), TypeInformation.of(RawEnvelope.class)),
        TestSpecs.credit(),
        REGISTRY,
        new Sinks(new CollectingSink<>("chain-examples"), new CollectingSink<>("chain-dead")));

    List<JobVertex> vertices = new ArrayList<>();
    env.getStreamGraph().getJobGraph().getVertices().forEach(vertices::add);

    JobVertex steps =
        vertices.stream()
            .filter(vertex -> vertex.getName().contains("fit and transform"))
            .findFirst()
            .orElseThrow();
    assertThat(steps.getParallelism()).isEqualTo(1);
    assertThat(steps.getName()).contains("examples sink");
    assertThat(vertices)
        .filteredOn(vertex -> vertex.getName().contains("examples sink"))
        .containsExactly(steps);
  }

  private static RawEnvelope envelope(long offset, String key, byte[] value) {
    return new RawEnvelope(TOPIC, 0, offset, key.getBytes(StandardCharsets.UTF_8), value);
  }
}
