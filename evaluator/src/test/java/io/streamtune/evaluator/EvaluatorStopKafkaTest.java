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
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator is closed while its report transaction cannot complete: the broker and the registry
 * go away while it scores a version (2,000 holdout examples, 300,000 bootstrap resamples: seconds,
 * longer than stopping the broker), so {@code publish} is blocked on a gone broker. It must stop
 * within its shutdown budget and publish nothing; after the broker is back (same data, same ports)
 * a restarted evaluator publishes that version's report exactly once.
 */
class EvaluatorStopKafkaTest {

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
        bootstrapResamples: %d
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
    PipelineSpec spec = PipelineSpecs.parse(SPEC.formatted(300_000), "stop-test");

    EmbeddedStack stack = EmbeddedStack.start(data, topics, 1, kafkaPort, registryPort);
    EvaluatorConfig config = config(stack, topics, spec);
    EvaluatorService service = new EvaluatorService(config);
    Thread loop = new Thread(service, "evaluator-blocked");
    double stopSeconds;
    try {
      produce(stack, topics, EvaluatorServiceKafkaTest.holdout(HOLDOUT), v1);
      loop.start();
      assertThat(awaitFrame(loop, f -> f.getClassName().equals(VersionEvaluator.class.getName())))
          .as("the evaluator scores v1")
          .isTrue();
    } finally {
      stack.close(); // the registry and the broker go while it scores
    }
    assertThat(service.reportsPublished()).as("still scoring when the broker went").isZero();
    assertThat(
            awaitFrame(
                loop,
                f ->
                    f.getClassName().equals(ReportPublisher.class.getName())
                        && f.getMethodName().equals("publish")))
        .as("the evaluator is in its report transaction with the broker gone: %s", stack(loop))
        .isTrue();
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
      // the same version scored again, with fewer resamples: only how many reports count here
      EvaluatorService restarted =
          new EvaluatorService(
              config(again, topics, PipelineSpecs.parse(SPEC.formatted(100), "stop-test")));
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

  /** Waits up to 180 s until {@code thread} runs in a frame {@code frame} accepts. */
  private static boolean awaitFrame(Thread thread, Predicate<StackTraceElement> frame)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
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
