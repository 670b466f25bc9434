package io.streamtune.feedback;

import io.streamtune.feedback.drift.Detection;
import io.streamtune.feedback.drift.ErrorRateMonitor;
import io.streamtune.feedback.drift.LabelDistributionMonitor;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.RetrainCause;
import io.streamtune.schemas.avro.RetrainRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-model monitor: moves each event between the state stores and the pure detectors ({@link
 * ErrorRateMonitor}, {@link LabelDistributionMonitor}, {@link RollbackJudge}) and forwards what
 * they decide. Keyed by model id, so all of a model's state is in this task.
 */
final class ModelMonitor implements Processor<String, Event, String, ModelMonitor.Emit> {

  static final String DRIFT_STORE = "feedback-drift";
  static final String PROMOTED_STORE = "feedback-promoted";
  static final String PENDING_STORE = "feedback-pending-pairs";
  static final String JUDGE_STORE = "feedback-rollback";
  static final String LABELS_STORE = "feedback-label-drift";

  private static final Logger LOG = LoggerFactory.getLogger(ModelMonitor.class);

  /** What the monitor decided; exactly one is set. */
  record Emit(RetrainRequest retrain, ModelVersion promote, EvaluationReport report) {}

  private final FeedbackConfig config;
  private final Duration pairHorizon;
  private final RollbackJudge judge;
  private ProcessorContext<String, Emit> context;
  private KeyValueStore<String, ErrorRateMonitor.State> drift;
  private KeyValueStore<String, PromotedHistory> promoted;
  private WindowStore<String, Outcome> pending;
  private KeyValueStore<String, RollbackJudge.State> judgements;
  private KeyValueStore<String, LabelDistributionMonitor.State> labels;

  ModelMonitor(FeedbackConfig config, Duration pairHorizon) {
    this.config = config;
    this.pairHorizon = pairHorizon;
    this.judge = new RollbackJudge(config.rollbackAlpha(), config.rollbackMinPairs());
  }

  @Override
  public void init(ProcessorContext<String, Emit> context) {
    this.context = context;
    this.drift = context.getStateStore(DRIFT_STORE);
    this.promoted = context.getStateStore(PROMOTED_STORE);
    this.pending = context.getStateStore(PENDING_STORE);
    this.judgements = context.getStateStore(JUDGE_STORE);
    this.labels = context.getStateStore(LABELS_STORE);
  }

  @Override
  public void process(Record<String, Event> record) {
    String modelId = record.key();
    Event event = record.value();
    if (event.promoted() != null) {
      ModelVersion version = PromotedHistory.decode(event.promoted());
      PromotedHistory history = promoted.get(modelId);
      promoted.put(modelId, (history == null ? PromotedHistory.empty() : history).append(version));
      forgetRetiredVersions(modelId, version.getVersion());
    } else if (event.label() != null) {
      onLabel(record, modelId, event.label());
    } else if (event.outcome() != null) {
      Outcome outcome = event.outcome();
      if (outcome.champion()) {
        onChampionOutcome(record, outcome);
      }
      pair(record, outcome);
    }
  }

  /**
   * A promotion retires every other version of the model: their error streams and rollback
   * judgements are dropped, so the stores hold one entry per served model, not one per version ever
   * served (a re-promoted version starts both afresh).
   */
  private void forgetRetiredVersions(String modelId, int champion) {
    String prefix = modelId + "/";
    String keep = prefix + champion;
    for (KeyValueStore<String, ?> store : List.of(drift, judgements)) {
      List<String> retired = new ArrayList<>();
      try (KeyValueIterator<String, ?> all = store.all()) {
        all.forEachRemaining(
            entry -> {
              if (entry.key.startsWith(prefix) && !entry.key.equals(keep)) {
                retired.add(entry.key);
              }
            });
      }
      retired.forEach(store::delete);
    }
  }

  private void onLabel(Record<String, Event> record, String modelId, String label) {
    LabelDistributionMonitor.State state = labels.get(modelId);
    LabelDistributionMonitor monitor =
        state == null
            ? new LabelDistributionMonitor(config.labelDriftWindow(), config.labelDriftThreshold())
            : LabelDistributionMonitor.restore(
                config.labelDriftWindow(), config.labelDriftThreshold(), state);
    Optional<Detection> detection = monitor.add(label);
    labels.put(modelId, monitor.state());
    detection.ifPresent(
        d -> {
          Integer champion =
              Optional.ofNullable(promoted.get(modelId))
                  .flatMap(PromotedHistory::champion)
                  .map(ModelVersion::getVersion)
                  .orElse(null);
          emitRetrain(record, modelId, champion, RetrainCause.LABEL_DRIFT, d);
        });
  }

  private void onChampionOutcome(Record<String, Event> record, Outcome outcome) {
    String key = outcome.modelId() + "/" + outcome.version();
    ErrorRateMonitor.State state = drift.get(key);
    ErrorRateMonitor monitor =
        state == null
            ? new ErrorRateMonitor(config.drift())
            : ErrorRateMonitor.restore(config.drift(), state);
    var detections = monitor.add(!outcome.correct());
    drift.put(key, monitor.state());
    for (Detection d : detections) {
      emitRetrain(record, outcome.modelId(), outcome.version(), RetrainCause.CONCEPT_DRIFT, d);
    }
  }

  private void emitRetrain(
      Record<String, Event> record,
      String modelId,
      Integer version,
      RetrainCause cause,
      Detection d) {
    LOG.info("model {} v{}: {} ({})", modelId, version, d.detector(), d.reason());
    RetrainRequest request =
        RetrainRequest.newBuilder()
            .setModelId(modelId)
            .setRequestedAt(Instant.ofEpochMilli(record.timestamp()))
            .setTrigger(cause)
            .setDetector(d.detector())
            .setModelVersion(version)
            .setStatistic(d.statistic())
            .setThreshold(d.threshold())
            .setFeature(null)
            .setWindowFrom(d.windowFrom())
            .setWindowTo(d.windowTo())
            .setReason(d.reason())
            .build();
    context.forward(record.withKey(modelId).withValue(new Emit(request, null, null)));
  }

  /** Pairs the champion's and the shadow's outcome of one record, whichever is labelled first. */
  private void pair(Record<String, Event> record, Outcome outcome) {
    String base = outcome.modelId() + "/" + outcome.recordId() + "/";
    String otherRole = outcome.champion() ? Outcome.SHADOW : Outcome.CHAMPION;
    long ts = record.timestamp();
    KeyValue<Long, Outcome> other = null;
    try (WindowStoreIterator<Outcome> it =
        pending.fetch(base + otherRole, ts - pairHorizon.toMillis(), ts + pairHorizon.toMillis())) {
      if (it.hasNext()) {
        other = it.next();
      }
    }
    if (other == null) {
      pending.put(base + outcome.role(), outcome, ts);
      return;
    }
    pending.put(base + otherRole, null, other.key);
    Outcome champion = outcome.champion() ? outcome : other.value;
    Outcome shadow = outcome.champion() ? other.value : outcome;
    onPair(record, champion, shadow);
  }

  private void onPair(Record<String, Event> record, Outcome champion, Outcome shadow) {
    String key = champion.modelId() + "/" + champion.version();
    RollbackJudge.State state = judgements.get(key);
    if (state == null || state.shadowVersion() != shadow.version()) {
      state = RollbackJudge.State.start(champion.version(), shadow.version());
    }
    state = judge.add(state, champion.correct(), shadow.correct());
    Optional<RollbackJudge.Verdict> verdict = judge.judge(state);
    if (verdict.isPresent()) {
      state = RollbackJudge.decided(state);
      rollBack(record, champion.modelId(), verdict.get());
    }
    judgements.put(key, state);
  }

  private void rollBack(Record<String, Event> record, String modelId, RollbackJudge.Verdict v) {
    PromotedHistory history = promoted.get(modelId);
    Optional<ModelVersion> current = history == null ? Optional.empty() : history.champion();
    if (current.isEmpty() || current.get().getVersion() != v.badVersion()) {
      LOG.warn(
          "model {}: v{} would be rolled back, but the champion is now {}; nothing done ({})",
          modelId,
          v.badVersion(),
          current.map(m -> "v" + m.getVersion()).orElse("unknown"),
          v.reason());
      return;
    }
    Optional<ModelVersion> predecessor = history.find(v.predecessorVersion());
    if (predecessor.isEmpty()) {
      LOG.warn(
          "model {}: v{} would be rolled back to v{}, whose promotion is no longer known; nothing"
              + " done ({})",
          modelId,
          v.badVersion(),
          v.predecessorVersion(),
          v.reason());
      return;
    }
    LOG.warn("model {}: {}", modelId, v.reason());
    Instant at = Instant.ofEpochMilli(record.timestamp());
    context.forward(record.withKey(modelId).withValue(new Emit(null, predecessor.get(), null)));
    context.forward(
        record
            .withKey(modelId)
            .withValue(
                new Emit(
                    null,
                    null,
                    OnlineReports.rollback(
                        predecessor.get(),
                        v.badVersion(),
                        v.predecessorAccuracy(),
                        v.pairs(),
                        v.reason(),
                        at))));
  }
}
