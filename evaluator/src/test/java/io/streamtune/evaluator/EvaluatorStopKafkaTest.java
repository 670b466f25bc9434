package io.streamtune.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedStack;
import io.streamtune.embedded.TopicReader;
import io.streamtune.model.ModelStore;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator is closed while its report transaction cannot complete: the broker (and the
 * registry) went away while it scored a version, so {@code publish} is blocked on a gone broker. It
 * must stop within its shutdown budget, publish nothing, and after the broker is back (same data,
 * same ports) a restarted evaluator publishes that version's report exactly once.
 */
class EvaluatorStopKafkaTest {

  /** Holdout size and resamples that make scoring take seconds, longer than stopping the broker. */
  private static final int HOLDOUT = 2_000;

  private static final String SPEC =
      """
      name: credit
      modality: tabular
      label:
        column: default
        classes: ["no", "yes"]
      columns:
        x0: {type: numeric}
        x1: {type: numeric}
        x2: {type: numeric}
      evaluator:
        latencySamples: 0
      """;

  private static final Duration SHUTDOWN_BUDGET = Duration.ofSeconds(4);

  @TempDir Path dir;

  @Test
  @Timeout(240)
  void closedWhileItsReportTransactionIsBlockedItStopsInTimeAndTheRestartPublishesOnce()
      throws Exception {
    Topics topics = new Topics("stopblocked.");
    Path data = dir.resolve("kafka");
    int kafkaPort = freePort();
    int registryPort = freePort();
    ModelStore store = new ModelStore(dir.resolve("store"));
    Path v1 =
        EvaluatorServiceKafkaTest.save(
            store, 1, new float[] {1, 0, 0, -1, 0, 0}, new float[] {0, 1, 1, 0}, 0);
    PipelineSpec spec = PipelineSpecs.parse(SPEC, "stop-test");

    EmbeddedStack stack = EmbeddedStack.start(data, topics, 1, kafkaPort, registryPort);
    EvaluatorConfig config = config(stack, topics, spec);
    EvaluatorService service = new EvaluatorService(config);
    Thread loop = new Thread(service, "evaluator-blocked");
    double stopSeconds;
    try {
      minInsyncReplicas(stack, topics.name(Topics.METRICS), 2);
      produce(stack, topics, EvaluatorServiceKafkaTest.holdout(HOLDOUT), v1);
      loop.start();
      assertThat(
              awaitFrame(
                  loop,
                  f ->
                      f.getClassName().equals(ReportPublisher.class.getName())
                          && f.getMethodName().equals("publish")))
          .as("the evaluator is in its report transaction: %s", stack(loop))
          .isTrue();
      Thread.sleep(1_000);
    } finally {
      stack.close(); // and then the broker and the registry go
    }
    Thread.sleep(1_000);
    assertThat(loop.isAlive()).as("blocked in publish").isTrue();
    assertThat(stack(loop)).contains(ReportPublisher.class.getName() + ".publish");

    long closing = System.nanoTime();
    service.close();
    loop.join(SHUTDOWN_BUDGET.toMillis() + 5_000);
    stopSeconds = (System.nanoTime() - closing) / 1e9;
    System.out.printf(
        "evaluator stopped %.1f s after close (report transaction blocked)%n", stopSeconds);
    assertThat(loop.isAlive()).as("still running: %s", stack(loop)).isFalse();
    assertThat(stopSeconds).isLessThan(SHUTDOWN_BUDGET.toSeconds() + 1.0);
    assertThat(service.reportsPublished()).isZero();
    assertThat(service.failure()).isEmpty();

    try (EmbeddedStack again = EmbeddedStack.start(data, topics, 1, kafkaPort, registryPort)) {
      minInsyncReplicas(again, topics.name(Topics.METRICS), 1);
      EvaluatorService restarted = new EvaluatorService(config(again, topics, spec));
      Thread restartedLoop = new Thread(restarted, "evaluator-restarted");
      restartedLoop.start();
      try {
        TopicReader.readAtLeast(
            again.bootstrapServers(),
            topics.name(Topics.METRICS),
            AvroSerdes.valueDeserializer(again.schemaRegistryUrl(), EvaluationReport.class),
            1,
            Duration.ofSeconds(120));
        Thread.sleep(2_000); // a second report, were there one, would be in by now
      } finally {
        restarted.close();
        restartedLoop.join(30_000);
      }
      List<ConsumerRecord<String, EvaluationReport>> reports =
          TopicReader.readAll(
              again.bootstrapServers(),
              topics.name(Topics.METRICS),
              AvroSerdes.valueDeserializer(again.schemaRegistryUrl(), EvaluationReport.class),
              Duration.ofSeconds(3));
      assertThat(reports).extracting(r -> r.value().getVersion()).containsExactly(1);
      assertThat(reports.get(0).value().getHoldoutSize()).isEqualTo(HOLDOUT);
      assertThat(restarted.reportsPublished()).isEqualTo(1);
    }
  }

  private EvaluatorConfig config(EmbeddedStack stack, Topics topics, PipelineSpec spec) {
    return EvaluatorConfig.of(
            new KafkaConnection(stack.bootstrapServers(), stack.schemaRegistryUrl(), topics),
            spec,
            "evaluator-stop",
            HOLDOUT,
            Duration.ofMillis(100),
            Duration.ofSeconds(30))
        .withModelStore(dir.resolve("store"))
        .withShutdownTimeout(SHUTDOWN_BUDGET);
  }

  private static void produce(
      EmbeddedStack stack, Topics topics, List<Example> holdout, Path version) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, SpecificRecord> producer =
        new KafkaProducer<>(
            props, new StringSerializer(), AvroSerdes.valueSerializer(stack.schemaRegistryUrl()))) {
      for (Example example : holdout) {
        producer.send(
            new ProducerRecord<>(topics.name(Topics.EXAMPLES_HOLDOUT), example.getId(), example));
      }
      producer.flush();
      producer.send(
          new ProducerRecord<>(
              topics.name(Topics.MODELS), "credit", EvaluatorServiceKafkaTest.version(1, version)));
      producer.flush();
    }
  }

  private static void minInsyncReplicas(EmbeddedStack stack, String topic, int replicas)
      throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.TOPIC, topic),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry(
                              TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(replicas)),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }

  /** Waits up to 90 s until {@code thread} runs in a frame {@code frame} accepts. */
  private static boolean awaitFrame(Thread thread, Predicate<StackTraceElement> frame)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline && thread.isAlive()) {
      if (Arrays.stream(thread.getStackTrace()).anyMatch(frame)) {
        return true;
      }
      Thread.sleep(5);
    }
    return false;
  }

  private static String stack(Thread thread) {
    return Arrays.toString(thread.getStackTrace());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }
}
