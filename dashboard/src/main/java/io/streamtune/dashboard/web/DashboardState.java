package io.streamtune.dashboard.web;

import io.streamtune.schemas.avro.ClassMetrics;
import io.streamtune.schemas.avro.ConfidenceInterval;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.avro.TransformVersion;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dashboard page shows, folded from the records of the metrics, control and dead-letter
 * topics in arrival order: the pure core behind {@link DashboardServer}. Every list is bounded so
 * that a long-running dashboard keeps constant memory; {@link #revision()} grows with every record
 * so that the server pushes a snapshot only when something changed. Thread-safe: the followers
 * write while the server reads.
 */
public final class DashboardState {

  /** How many entries each history keeps (versions, gate decisions, online windows, events). */
  public static final int HISTORY = 200;

  /** How many of the newest dead letters the page lists as examples. */
  public static final int LATEST_DEAD_LETTERS = 10;

  private static final String HOLDOUT = "holdout";
  private static final String ONLINE = "online";
  private static final String ROLLBACK = "rollback";
  private static final String SELECTION = "selection";

  private final Deque<Map<String, Object>> versions = new ArrayDeque<>();
  private final Deque<Map<String, Object>> online = new ArrayDeque<>();
  private final Deque<Map<String, Object>> events = new ArrayDeque<>();
  private final Deque<Map<String, Object>> drift = new ArrayDeque<>();
  private final Map<String, Map<String, Long>> deadLettersByStage = new TreeMap<>();
  private final Deque<Map<String, Object>> latestDeadLetters = new ArrayDeque<>();
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private final Map<String, Map<String, Long>> badCells = new TreeMap<>();
  private final Map<String, Long> badCellsVersion = new TreeMap<>();
  private final Map<Integer, EvaluationReport> holdoutByVersion = new LinkedHashMap<>();
  private EvaluationReport champion;
  private Map<String, Object> holdoutMap;
  private Map<String, Long> lagByGroup = Map.of();
  // label -> {original train examples, all train examples}: counts only, no example is kept
  private final Map<String, long[]> trainClassCounts = new TreeMap<>();
  private final StageThroughput throughput = new StageThroughput();
  private List<Map<String, Object>> throughputRates = List.of();
  private final AugmentationGallery gallery = new AugmentationGallery();
  private long revision;

  /** Folds one report of the metrics topic: a holdout score, an online window, etc. */
  public synchronized void accept(EvaluationReport report) {
    String kind = String.valueOf(report.getKind());
    switch (kind) {
      case HOLDOUT -> acceptHoldout(report);
      case ONLINE -> append(online, onlineEntry(report));
      case ROLLBACK -> {
        append(events, event(report, ROLLBACK));
        // a rollback re-promotes an older version: its own holdout report is the champion's
        champion = holdoutByVersion.get(report.getVersion());
        markChampion(report.getVersion());
      }
      case SELECTION -> append(events, event(report, SELECTION));
      default -> append(events, event(report, kind));
    }
    revision++;
  }

  /** Folds one retrain request of the control topic; drift detections are listed as such. */
  public synchronized void accept(RetrainRequest request) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("requestedAt", request.getRequestedAt().toEpochMilli());
    entry.put("trigger", String.valueOf(request.getTrigger()));
    entry.put("detector", String.valueOf(request.getDetector()));
    entry.put("modelVersion", request.getModelVersion());
    entry.put("statistic", request.getStatistic());
    entry.put("threshold", request.getThreshold());
    entry.put("feature", request.getFeature() == null ? null : request.getFeature().toString());
    entry.put("reason", String.valueOf(request.getReason()));
    append(drift, entry);
    revision++;
  }

  /**
   * Folds one published fitted transform: its {@code badCells} (cells that were not numbers and
   * became missing under {@code preprocess.badValues: missing}, per column, over every row the job
   * took) replace the pipeline's earlier counts when its version is newer.
   */
  public synchronized void accept(TransformVersion transform) {
    String pipeline = String.valueOf(transform.getPipeline());
    Long seen = badCellsVersion.get(pipeline);
    if (seen != null && seen >= transform.getVersion()) {
      return;
    }
    com.fasterxml.jackson.databind.JsonNode counts;
    try {
      counts = JSON.readTree(String.valueOf(transform.getJson())).path("badCells");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return; // not a transform this page can read: the other panels still are
    }
    Map<String, Long> columns = new TreeMap<>();
    counts.fields().forEachRemaining(e -> columns.put(e.getKey(), e.getValue().asLong()));
    badCellsVersion.put(pipeline, transform.getVersion());
    badCells.put(pipeline, columns);
    revision++;
  }

  /** Folds one dead letter: counted by stage and reason, and kept among the latest examples. */
  public synchronized void accept(DeadLetter letter) {
    deadLettersByStage
        .computeIfAbsent(String.valueOf(letter.getStage()), stage -> new TreeMap<>())
        .merge(String.valueOf(letter.getReason()), 1L, Long::sum);
    Map<String, Object> example = new LinkedHashMap<>();
    example.put("failedAt", letter.getFailedAt().toEpochMilli());
    example.put("stage", String.valueOf(letter.getStage()));
    example.put("reason", String.valueOf(letter.getReason()));
    example.put("topic", String.valueOf(letter.getTopic()));
    example.put("partition", letter.getPartition());
    example.put("offset", letter.getOffset());
    example.put("recordId", letter.getRecordId() == null ? null : letter.getRecordId().toString());
    latestDeadLetters.addFirst(example);
    while (latestDeadLetters.size() > LATEST_DEAD_LETTERS) {
      latestDeadLetters.removeLast();
    }
    revision++;
  }

  /** The 2-D maps of the holdout ({@link HoldoutMap#buildIfChanged}), replacing the last ones. */
  public synchronized void acceptMap(Map<String, Object> maps) {
    holdoutMap = maps;
    revision++;
  }

  /**
   * The consumer lag of each stage's group (committed records it has not consumed yet), replacing
   * the last reading; an unchanged reading is no new revision.
   */
  public synchronized void acceptLag(Map<String, Long> lag) {
    Map<String, Long> sorted = new TreeMap<>(lag);
    if (!sorted.equals(lagByGroup)) {
      lagByGroup = sorted;
      revision++;
    }
  }

  /**
   * Counts one example of the train topic under its label: as "before rebalancing" when it is an
   * original (neither synthetic nor augmented from another), and always as "after"; an image also
   * goes to the {@link AugmentationGallery}.
   */
  public synchronized void acceptTrainExample(Example example) {
    gallery.accept(example);
    long[] counts =
        trainClassCounts.computeIfAbsent(String.valueOf(example.getLabel()), l -> new long[2]);
    if (!example.getSynthetic() && example.getAugmentedFrom() == null) {
      counts[0]++;
    }
    counts[1]++;
    revision++;
  }

  /**
   * One reading of the pipeline topics' end offsets (topic -> sum over its partitions) taken at
   * {@code atMillis}, from which {@link StageThroughput} derives records per second; a reading that
   * changes no row is no new revision (an idle pipeline pushes no snapshot every 3 s).
   */
  public synchronized void acceptEndOffsets(long atMillis, Map<String, Long> endOffsets) {
    throughput.record(atMillis, endOffsets);
    // the rates change only here: computed once per reading, the snapshot shows these rows
    List<Map<String, Object>> rates = throughput.rates();
    if (!rates.equals(throughputRates)) {
      throughputRates = Collections.unmodifiableList(rates);
      revision++;
    }
  }

  /** Grows by one with every record folded in. */
  /** The augmentation gallery's images, for the server's PNG route. */
  public AugmentationGallery gallery() {
    return gallery;
  }

  public synchronized long revision() {
    return revision;
  }

  /**
   * Everything the page draws, as plain maps and lists (written as JSON by the server): {@code
   * versions} (holdout scores with intervals, the gate's decision and reason, the champion marked),
   * {@code champion} (its labels, confusion matrix and per-class F1, or null), {@code online},
   * {@code events} (rollbacks, selections), {@code drift}, {@code deadLetters}, {@code badCells}
   * (pipeline -> column -> cells made missing, from the newest published transform), {@code map}
   * (PCA and t-SNE points of the holdout, or null), {@code lag} (consumer group -> records behind),
   * {@code classCounts} (per label: {@code before} = original train examples, {@code after} = all
   * train examples incl. synthetic and augmented ones), {@code throughput} ({@link
   * StageThroughput#rates()}).
   */
  public synchronized Map<String, Object> snapshot() {
    Map<String, Object> snapshot = new LinkedHashMap<>();
    snapshot.put("revision", revision);
    snapshot.put("versions", copy(versions));
    snapshot.put("champion", champion == null ? null : championEntry(champion));
    snapshot.put("online", copy(online));
    snapshot.put("events", copy(events));
    snapshot.put("drift", copy(drift));
    Map<String, Object> deadLetters = new LinkedHashMap<>();
    Map<String, Map<String, Long>> byStage = new TreeMap<>();
    deadLettersByStage.forEach((stage, reasons) -> byStage.put(stage, new TreeMap<>(reasons)));
    deadLetters.put("byStage", byStage);
    deadLetters.put("latest", copy(latestDeadLetters));
    snapshot.put("deadLetters", deadLetters);
    Map<String, Map<String, Long>> bad = new TreeMap<>();
    badCells.forEach((pipeline, columns) -> bad.put(pipeline, new TreeMap<>(columns)));
    snapshot.put("badCells", bad);
    snapshot.put("map", holdoutMap);
    snapshot.put("lag", new TreeMap<>(lagByGroup));
    List<Map<String, Object>> classCounts = new ArrayList<>();
    trainClassCounts.forEach(
        (label, counts) -> {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("label", label);
          row.put("before", counts[0]);
          row.put("after", counts[1]);
          classCounts.add(row);
        });
    snapshot.put("classCounts", classCounts);
    snapshot.put("throughput", throughputRates);
    snapshot.put("gallery", gallery.entries());
    return snapshot;
  }

  private void acceptHoldout(EvaluationReport report) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("modelId", String.valueOf(report.getModelId()));
    entry.put("version", report.getVersion());
    entry.put("evaluatedAt", report.getEvaluatedAt().toEpochMilli());
    entry.put("examplesTrainedOn", report.getExamplesTrainedOn());
    entry.put("holdoutSize", report.getHoldoutSize());
    entry.put("macroF1", report.getMacroF1());
    entry.put("macroF1Interval", interval(report.getMacroF1Interval()));
    entry.put("accuracy", report.getAccuracy());
    entry.put("accuracyInterval", interval(report.getAccuracyInterval()));
    entry.put("majorityBaselineMacroF1", report.getMajorityBaselineMacroF1());
    entry.put("promoted", report.getPromoted());
    entry.put("gateReason", String.valueOf(report.getGateReason()));
    entry.put("champion", false);
    append(versions, entry);
    holdoutByVersion.put(report.getVersion(), report);
    while (holdoutByVersion.size() > HISTORY) {
      holdoutByVersion.remove(holdoutByVersion.keySet().iterator().next());
    }
    if (report.getPromoted()) {
      champion = report;
      markChampion(report.getVersion());
    }
  }

  private void markChampion(int version) {
    for (Map<String, Object> entry : versions) {
      entry.put("champion", entry.get("version").equals(version));
    }
  }

  private static Map<String, Object> championEntry(EvaluationReport report) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("version", report.getVersion());
    entry.put("labels", report.getLabels().stream().map(String::valueOf).toList());
    entry.put("confusionMatrix", report.getConfusionMatrix());
    List<Map<String, Object>> perClass = new ArrayList<>();
    for (ClassMetrics metrics : report.getPerClass()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("label", String.valueOf(metrics.getLabel()));
      row.put("f1", metrics.getF1());
      row.put("precision", metrics.getPrecision());
      row.put("recall", metrics.getRecall());
      row.put("support", metrics.getSupport());
      perClass.add(row);
    }
    entry.put("perClass", perClass);
    return entry;
  }

  private static Map<String, Object> onlineEntry(EvaluationReport report) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("version", report.getVersion());
    entry.put("evaluatedAt", report.getEvaluatedAt().toEpochMilli());
    entry.put("window", String.valueOf(report.getWindow()));
    entry.put("accuracy", report.getAccuracy());
    entry.put("macroF1", report.getMacroF1());
    entry.put("labelled", report.getHoldoutSize());
    return entry;
  }

  private static Map<String, Object> event(EvaluationReport report, String kind) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("kind", kind);
    entry.put("version", report.getVersion());
    entry.put("evaluatedAt", report.getEvaluatedAt().toEpochMilli());
    entry.put("reason", String.valueOf(report.getGateReason()));
    return entry;
  }

  private static Map<String, Object> interval(ConfidenceInterval interval) {
    if (interval == null) {
      return null;
    }
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("low", interval.getLow());
    entry.put("high", interval.getHigh());
    entry.put("level", interval.getLevel());
    return entry;
  }

  private static void append(Deque<Map<String, Object>> history, Map<String, Object> entry) {
    history.addLast(entry);
    while (history.size() > HISTORY) {
      history.removeFirst();
    }
  }

  private static List<Map<String, Object>> copy(Deque<Map<String, Object>> history) {
    return history.stream().map(entry -> (Map<String, Object>) new LinkedHashMap<>(entry)).toList();
  }
}
