package io.streamtune.launcher.chaos;

import io.streamtune.embedded.TopicReader;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.OffsetRange;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reconciles what the cluster wrote, read back from the topics ({@code read_committed}) and the
 * model store: every raw record is exactly one original example or one dead letter; every training
 * example's offset is in exactly one version's ranges; every stored version is on {@code models}
 * once; every version has exactly one report.
 */
final class ChaosReconciler {

  private ChaosReconciler() {}

  /** What the reconciliation found; every count but the totals must be 0. */
  record Reconciliation(
      long raw,
      long duplicateRawIds,
      long examples,
      long deadLetters,
      long lost,
      long duplicated,
      long trainExamples,
      long versions,
      long uncoveredTrainExamples,
      long multiplyCoveredTrainExamples,
      long storedNotPublished,
      long publishedNotStored,
      long duplicateVersions,
      long reports,
      long missingReports,
      long doubledReports) {

    boolean clean() {
      return duplicateRawIds == 0
          && lost == 0
          && duplicated == 0
          && uncoveredTrainExamples == 0
          && multiplyCoveredTrainExamples == 0
          && storedNotPublished == 0
          && publishedNotStored == 0
          && duplicateVersions == 0
          && missingReports == 0
          && doubledReports == 0;
    }
  }

  /** A report of a version on the holdout (not a selection, online or rollback report). */
  static boolean isVersionReport(EvaluationReport report) {
    return !Set.of("selection", "online", "rollback").contains(report.getKind());
  }

  static Reconciliation reconcile(String bootstrap, String registry, Topics topics, Path modelDir)
      throws IOException {
    List<ConsumerRecord<String, RawRecord>> raw =
        TopicReader.readToEnd(
            bootstrap,
            topics.name(Topics.RAW),
            AvroSerdes.valueDeserializer(registry, RawRecord.class));
    List<ConsumerRecord<String, Example>> train =
        TopicReader.readToEnd(
            bootstrap,
            topics.name(Topics.EXAMPLES_TRAIN),
            AvroSerdes.valueDeserializer(registry, Example.class));
    List<ConsumerRecord<String, Example>> holdout =
        TopicReader.readToEnd(
            bootstrap,
            topics.name(Topics.EXAMPLES_HOLDOUT),
            AvroSerdes.valueDeserializer(registry, Example.class));
    List<ConsumerRecord<String, DeadLetter>> deadLetters =
        TopicReader.readToEnd(
            bootstrap,
            topics.name(Topics.DEADLETTER),
            AvroSerdes.valueDeserializer(registry, DeadLetter.class));
    List<ConsumerRecord<String, ModelVersion>> models =
        TopicReader.readToEnd(
            bootstrap,
            topics.name(Topics.MODELS),
            AvroSerdes.valueDeserializer(registry, ModelVersion.class));
    List<ConsumerRecord<String, EvaluationReport>> metrics =
        TopicReader.readToEnd(
            bootstrap,
            topics.name(Topics.METRICS),
            AvroSerdes.valueDeserializer(registry, EvaluationReport.class));

    Map<String, Integer> outcomes = new HashMap<>();
    Set<String> rawIds = new TreeSet<>();
    long duplicateRawIds = 0;
    for (ConsumerRecord<String, RawRecord> record : raw) {
      if (!rawIds.add(record.value().getId())) {
        duplicateRawIds++;
      }
    }
    long examples = 0;
    for (ConsumerRecord<String, Example> record : concat(train, holdout)) {
      Example example = record.value();
      if (example.getAugmentedFrom() == null && !example.getSynthetic()) {
        outcomes.merge(example.getSourceId(), 1, Integer::sum);
        examples++;
      }
    }
    long deadLetterCount = 0;
    for (ConsumerRecord<String, DeadLetter> record : deadLetters) {
      DeadLetter deadLetter = record.value();
      if (!"ingest".equals(deadLetter.getStage())) {
        outcomes.merge(String.valueOf(deadLetter.getRecordId()), 1, Integer::sum);
        deadLetterCount++;
      }
    }
    ExactlyOnce rawOutcomes = ExactlyOnce.of(rawIds, outcomes);

    // each committed training example's offset in exactly one version's ranges
    String trainTopic = topics.name(Topics.EXAMPLES_TRAIN);
    Map<Integer, List<long[]>> ranges = new HashMap<>();
    Map<Integer, Integer> versionsByNumber = new TreeMap<>();
    for (ConsumerRecord<String, ModelVersion> record : models) {
      ModelVersion version = record.value();
      versionsByNumber.merge(version.getVersion(), 1, Integer::sum);
      for (OffsetRange range : version.getConsumedOffsets()) {
        if (range.getTopic().equals(trainTopic)) {
          ranges
              .computeIfAbsent(range.getPartition(), p -> new ArrayList<>())
              .add(new long[] {range.getFromOffset(), range.getUntilOffset()});
        }
      }
    }
    long uncovered = 0;
    long multiplyCovered = 0;
    for (ConsumerRecord<String, Example> record : train) {
      int covering = 0;
      for (long[] range : ranges.getOrDefault(record.partition(), List.of())) {
        if (record.offset() >= range[0] && record.offset() < range[1]) {
          covering++;
        }
      }
      if (covering == 0) {
        uncovered++;
      } else if (covering > 1) {
        multiplyCovered++;
      }
    }
    long duplicateVersions = versionsByNumber.values().stream().mapToLong(count -> count - 1).sum();

    Set<Integer> stored = new TreeSet<>();
    if (Files.isDirectory(modelDir)) {
      try (Stream<Path> children = Files.list(modelDir)) {
        children
            .map(path -> path.getFileName().toString())
            .filter(name -> name.matches("v\\d+"))
            .forEach(name -> stored.add(Integer.parseInt(name.substring(1))));
      }
    }
    long storedNotPublished = stored.stream().filter(v -> !versionsByNumber.containsKey(v)).count();
    long publishedNotStored =
        versionsByNumber.keySet().stream().filter(v -> !stored.contains(v)).count();

    Map<Integer, Integer> reportsByVersion =
        metrics.stream()
            .map(ConsumerRecord::value)
            .filter(ChaosReconciler::isVersionReport)
            .collect(
                Collectors.groupingBy(EvaluationReport::getVersion, Collectors.summingInt(r -> 1)));
    ExactlyOnce reportsOnce = ExactlyOnce.of(versionsByNumber.keySet(), reportsByVersion);
    return new Reconciliation(
        raw.size(),
        duplicateRawIds,
        examples,
        deadLetterCount,
        rawOutcomes.missing(),
        rawOutcomes.extra(),
        train.size(),
        versionsByNumber.size(),
        uncovered,
        multiplyCovered,
        storedNotPublished,
        publishedNotStored,
        duplicateVersions,
        reportsByVersion.values().stream().mapToLong(Integer::longValue).sum(),
        reportsOnce.missing(),
        reportsOnce.extra());
  }

  /**
   * How far {@code counts} (how often each key was seen) is from each of {@code expected} exactly
   * once: expected keys never seen, and every sighting beyond the first of an expected key or of
   * any sighting of a key not expected. One check for "each raw record has one outcome" and "each
   * version has one report".
   */
  record ExactlyOnce(long missing, long extra) {
    static <K> ExactlyOnce of(Set<K> expected, Map<K, Integer> counts) {
      long missing = expected.stream().filter(key -> !counts.containsKey(key)).count();
      long extra = 0;
      for (Map.Entry<K, Integer> count : counts.entrySet()) {
        extra += expected.contains(count.getKey()) ? count.getValue() - 1 : count.getValue();
      }
      return new ExactlyOnce(missing, extra);
    }
  }

  private static <T> List<T> concat(List<T> first, List<T> second) {
    List<T> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
