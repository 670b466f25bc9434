package io.streamtune.launcher;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Follows the metrics topic like a dashboard would, and hands each report to a listener. */
final class MetricsWatcher implements Runnable, AutoCloseable {

  private final KafkaConsumer<String, EvaluationReport> consumer;
  private final Consumer<EvaluationReport> listener;
  private final List<EvaluationReport> reports = new CopyOnWriteArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);

  MetricsWatcher(KafkaConnection kafka, Consumer<EvaluationReport> listener) {
    Properties props = kafka.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "streamtune-metrics-watcher-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer =
        new KafkaConsumer<>(
            props,
            new StringDeserializer(),
            AvroSerdes.valueDeserializer(
                kafka.schemaRegistryUrl(), kafka.registrySettings(), EvaluationReport.class));
    consumer.subscribe(List.of(kafka.topics().name(Topics.METRICS)));
    this.listener = listener;
  }

  @Override
  public void run() {
    try {
      while (running.get()) {
        consumer
            .poll(Duration.ofMillis(200))
            .forEach(
                record -> {
                  reports.add(record.value());
                  listener.accept(record.value());
                });
      }
    } catch (WakeupException e) {
      if (running.get()) {
        throw e;
      }
    } finally {
      consumer.close();
    }
  }

  List<EvaluationReport> reports() {
    return List.copyOf(reports);
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
  }

  /** The kinds of {@code EvaluationReport} on the metrics topic. */
  static final String HOLDOUT = "holdout";

  static final String ONLINE = "online";
  static final String ROLLBACK = "rollback";

  /** A holdout report: one per evaluated model version (the evaluator's). */
  static boolean isHoldout(EvaluationReport report) {
    return HOLDOUT.equals(report.getKind());
  }

  /** An online report (feedback app): one window of a served version's labelled predictions. */
  static String onlineLine(EvaluationReport report) {
    return String.format(
        Locale.ROOT,
        "online | version %d | %s%s | %,d labelled | accuracy %.3f | macro F1 %.3f%s",
        report.getVersion(),
        report.getWindow(),
        report.getWindowEnd() == null ? "" : " to " + report.getWindowEnd(),
        report.getHoldoutSize(),
        report.getAccuracy(),
        report.getMacroF1(),
        report.getLogLoss() == null
            ? ""
            : String.format(Locale.ROOT, " | log loss %.3f", report.getLogLoss()));
  }

  /** A rollback report: the version re-promoted over a worse champion, and why. */
  static String rollbackLine(EvaluationReport report) {
    return String.format(
        Locale.ROOT,
        "drift | rollback | champion v%s worse online than v%d | %s | action: v%d re-promoted",
        report.getChampionVersion(),
        report.getVersion(),
        report.getGateReason(),
        report.getVersion());
  }

  /** One line per model version, as the demo prints it. */
  static String line(EvaluationReport report) {
    return String.format(
        Locale.ROOT,
        "version %d | trained on %,d examples | holdout %,d | accuracy %.3f | macro F1 %.3f"
            + " (baseline %.3f) | %s",
        report.getVersion(),
        report.getExamplesTrainedOn(),
        report.getHoldoutSize(),
        report.getAccuracy(),
        report.getMacroF1(),
        report.getMajorityBaselineMacroF1(),
        report.getPromoted() ? "promoted" : "not promoted: " + report.getGateReason());
  }
}
