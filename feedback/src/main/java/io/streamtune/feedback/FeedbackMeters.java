package io.streamtune.feedback;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamtune.common.metrics.StageMeters;
import io.streamtune.schemas.avro.EvaluationReport;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The feedback app's Prometheus meters, counted by the topology's stream threads: the stage
 * counters (labels and predictions in, labelled records and reports out, dead letters), labels
 * joined to predictions, online accuracy per version and role (the last closed tumbling window),
 * drift detections. Counts start before a registry is bound, so nothing is lost to a late bind.
 */
public final class FeedbackMeters {

  static final String STAGE = "feedback";
  static final String LABELS_JOINED = "streamtune.feedback.labels.joined";
  static final String ONLINE_ACCURACY = "streamtune.feedback.online.accuracy";
  static final String DRIFT_DETECTIONS = "streamtune.feedback.drift.detections";

  final AtomicLong recordsIn = new AtomicLong();
  final AtomicLong recordsOut = new AtomicLong();
  final AtomicLong labelsJoined = new AtomicLong();
  final AtomicLong driftDetections = new AtomicLong();
  private final Map<String, AtomicReference<Double>> onlineAccuracy = new ConcurrentHashMap<>();
  private volatile MeterRegistry registry;

  void bind(MeterRegistry registry) {
    StageMeters.bind(
        registry,
        STAGE,
        this,
        m -> m.recordsIn.get(),
        m -> m.recordsOut.get(),
        m -> DeadLetteringDeserializationHandler.deadLettered());
    FunctionCounter.builder(LABELS_JOINED, labelsJoined, AtomicLong::get)
        .description("Predictions joined with their label")
        .register(registry);
    FunctionCounter.builder(DRIFT_DETECTIONS, driftDetections, AtomicLong::get)
        .description("Retrain requests the drift detectors sent to control")
        .register(registry);
    this.registry = registry;
    onlineAccuracy.forEach((key, value) -> register(registry, key, value));
  }

  /** A closed tumbling window's online report. */
  void onlineReport(EvaluationReport report) {
    String role = OnlineReports.isShadow(report) ? "shadow" : "champion";
    String key = report.getVersion() + "/" + role;
    AtomicReference<Double> accuracy =
        onlineAccuracy.computeIfAbsent(
            key,
            k -> {
              AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
              MeterRegistry bound = registry;
              if (bound != null) {
                register(bound, k, value);
              }
              return value;
            });
    accuracy.set(report.getAccuracy());
  }

  private static void register(
      MeterRegistry registry, String versionRole, AtomicReference<Double> value) {
    int slash = versionRole.indexOf('/');
    Gauge.builder(ONLINE_ACCURACY, value, AtomicReference::get)
        .tag("version", versionRole.substring(0, slash))
        .tag("role", versionRole.substring(slash + 1))
        .description("Online accuracy of the version in the last closed tumbling window")
        .register(registry);
  }
}
