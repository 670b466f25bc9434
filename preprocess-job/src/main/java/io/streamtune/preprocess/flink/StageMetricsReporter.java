package io.streamtune.preprocess.flink;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.streamtune.common.metrics.MetricsEndpoint;
import io.streamtune.common.metrics.MetricsSettings;
import io.streamtune.common.metrics.StageMeters;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter that turns the preprocessing job's operator counters into the preprocess
 * stage's meters, named as every other stage's. Embedded (the launcher's MiniCluster), it reports
 * into the registry {@link #reportTo} set, served on the launcher's loopback endpoint (Flink's own
 * Prometheus reporter has no bind address and would listen on every interface). On a Flink cluster
 * (docker-compose: a plugin, docker/flink.Dockerfile) it serves its own {@code /metrics} on the
 * reporter's {@code port} (default {@value #DEFAULT_PORT}) and {@code bind.address} (default
 * loopback) properties, with the JVM's metrics. Counters of all subtasks add up: {@code
 * streamtune_records_in_total{stage="preprocess"}} (records the decode and validate operator took),
 * {@code streamtune_records_out_total} (train and holdout examples), {@code
 * streamtune_dead_letters_total} with the dead letter's {@code step}, and {@code
 * streamtune_preprocess_examples_total} by {@code split}. One embedded job per JVM at a time.
 */
public final class StageMetricsReporter implements MetricReporter {

  public static final String STAGE = "preprocess";
  static final String EXAMPLES = "streamtune.preprocess.examples";
  static final String BAD_CELLS = "streamtune.preprocess.bad.cells";
  static final String PENDING_RECORDS = "streamtune.preprocess.source.pending.records";
  static final int DEFAULT_PORT = MetricsSettings.PREPROCESS_PORT;

  /** The Flink configuration entries that install this reporter. */
  public static final Map<String, String> CONFIGURATION =
      Map.of("metrics.reporter.streamtune.factory.class", Factory.class.getName());

  private static volatile MeterRegistry target;

  /** Flink makes reporters through factories found by the service loader. */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      MeterRegistry embedded = target;
      if (embedded != null) {
        return new StageMetricsReporter(embedded, null);
      }
      MetricsEndpoint own =
          MetricsEndpoint.start(
              STAGE,
              new MetricsSettings(
                  properties.getProperty("bind.address", MetricsSettings.DEFAULT_BIND_ADDRESS),
                  Integer.parseInt(properties.getProperty("port", String.valueOf(DEFAULT_PORT)))));
      return new StageMetricsReporter(own.registry(), own);
    }
  }

  private final MeterRegistry registry;
  private final MetricsEndpoint ownEndpoint;
  private final Map<String, List<Counter>> countersByMeter = new ConcurrentHashMap<>();
  private final List<Gauge<?>> pending = new CopyOnWriteArrayList<>();

  /**
   * @param ownEndpoint the endpoint this reporter started and closes; null when embedded
   */
  private StageMetricsReporter(MeterRegistry registry, MetricsEndpoint ownEndpoint) {
    this.registry = registry;
    this.ownEndpoint = ownEndpoint;
    io.micrometer.core.instrument.Gauge.builder(
            PENDING_RECORDS, pending, StageMetricsReporter::sumPending)
        .tag("stage", STAGE)
        .description("Records of raw the job's Kafka source has not read yet (its consumer lag)")
        .register(registry);
  }

  private static double sumPending(List<Gauge<?>> gauges) {
    double sum = 0;
    for (Gauge<?> gauge : gauges) {
      if (gauge.getValue() instanceof Number number) {
        sum += number.doubleValue();
      }
    }
    return sum;
  }

  /** Where the next MiniCluster's reporter reports; null: a reporter serves its own endpoint. */
  public static void reportTo(MeterRegistry registry) {
    target = registry;
  }

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {
    if (ownEndpoint != null) {
      ownEndpoint.close();
    }
  }

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    if (metric instanceof Gauge<?> gauge && name.equals("pendingRecords")) {
      // the Kafka source's records not yet read: the stage's consumer lag
      pending.add(gauge);
      return;
    }
    if (!(metric instanceof Counter counter)) {
      return;
    }
    Map<String, String> variables = group.getAllVariables();
    String operator = variables.getOrDefault("<operator_name>", "");
    switch (name) {
      case "numRecordsIn" -> {
        if (operator.startsWith("decode and validate")) {
          add(StageMeters.RECORDS_IN, Tags.of("stage", STAGE), counter);
        }
      }
      case "trainExamples", "holdoutExamples" -> {
        String split = name.startsWith("train") ? "train" : "holdout";
        add(StageMeters.RECORDS_OUT, Tags.of("stage", STAGE), counter);
        add(EXAMPLES, Tags.of("stage", STAGE, "split", split), counter);
      }
      case "badCells" ->
          add(
              BAD_CELLS,
              Tags.of("stage", STAGE, "column", variables.getOrDefault("<column>", "unknown")),
              counter);
      case "deadLettered" ->
          add(
              StageMeters.DEAD_LETTERS,
              Tags.of("stage", STAGE, "step", variables.getOrDefault("<stage>", "unknown")),
              counter);
      default -> {
        // the job's other counters stay in Flink's own metric system
      }
    }
  }

  /** One meter per name and tags, summing the counters of every subtask. */
  private void add(String meter, Tags tags, Counter counter) {
    List<Counter> counters =
        countersByMeter.computeIfAbsent(
            meter + tags,
            key -> {
              List<Counter> list = new CopyOnWriteArrayList<>();
              FunctionCounter.builder(
                      meter, list, l -> l.stream().mapToLong(Counter::getCount).sum())
                  .tags(tags)
                  .register(registry);
              return list;
            });
    counters.add(counter);
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
    // a counter keeps the removed subtask's last count (a counter must not go down); a gauge goes
    pending.remove(metric);
  }
}
