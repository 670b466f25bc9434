package io.streamtune.trainer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.streamtune.ingest.CsvDataset;
import io.streamtune.ingest.CsvRecordReader;
import io.streamtune.model.metrics.Bootstrap;
import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.model.metrics.Interval;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.preprocess.PreprocessBatch;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.TopicPartition;

/**
 * Streams prepared examples through the trainer's own buffer and trigger ({@link TrainingState})
 * into the real {@link TabularMlpRoundTrainer}, and scores every version on a fixed holdout: how
 * far consecutive versions move when each round adds a small share of new examples (issue 18).
 *
 * <p>The first version trains once the buffer is full (a class fills its share of the slots: the
 * buffer holds at most capacity / classes of each), a cold round on all of it; each later one after
 * {@code trainer.retrainEvery} new examples, as the service's trigger would fire. No Kafka: the
 * offsets are the examples' positions in the stream.
 */
final class SteadyRounds {

  /** A version's holdout macro F1 with its 95% bootstrap interval. */
  record HoldoutScore(double macroF1, Interval ci) {
    double low() {
      return ci.low();
    }

    double high() {
      return ci.high();
    }

    double halfWidth() {
      return (ci.high() - ci.low()) / 2;
    }
  }

  /**
   * One published version.
   *
   * @param newExamples examples new since the previous round
   * @param newShare their share of the buffer trained on
   * @param swing |macro F1 - the previous version's| (NaN for the first)
   */
  record Version(
      int version,
      long newExamples,
      double newShare,
      int epochs,
      int steps,
      long durationMs,
      HoldoutScore holdout,
      double swing) {}

  /** Train examples in stream order and the fixed holdout, as {@code streamtune prepare} makes. */
  record Prepared(List<Example> train, float[][] holdoutFeatures, int[] holdoutLabels) {}

  private SteadyRounds() {}

  /** How the copies of a row are split between train and holdout. */
  enum CopySplit {
    /**
     * Every copy of a row lands where the row does: the train split repeated, each copy in its own
     * seeded order, and the holdout split once (no holdout row is ever trained on).
     */
    ROWS,
    /**
     * Each copy is a record of its own (its id gets {@code #copy}) split on its own, the file
     * repeated as it is: what replicating the CSV and streaming it does. Most holdout rows then
     * have copies in the train stream, so the holdout partly measures memorisation.
     */
    COPIES
  }

  /**
   * Prepares a CSV with the spec's steps (fitted on the train split, {@link PreprocessBatch}) with
   * its rows repeated {@code copies} times, split as {@code split} says.
   */
  static Prepared prepare(PipelineSpec spec, Path csv, int copies, CopySplit split, long seed) {
    PreprocessBatch.TabularResult batch;
    CsvDataset dataset = CsvDataset.withSpec(csv, spec, null);
    List<RawRecord> records = new ArrayList<>();
    for (int copy = 0; copy < (split == CopySplit.COPIES ? copies : 1); copy++) {
      try (CsvRecordReader reader = dataset.open(Clock.systemUTC())) {
        while (reader.hasNext()) {
          RawRecord record = reader.next();
          if (split == CopySplit.COPIES) {
            record.setId(record.getId() + "#" + copy);
          }
          records.add(record);
        }
      }
    }
    batch = PreprocessBatch.tabular(spec, records.iterator(), PreprocessBatch.FitOn.TRAIN);
    List<Example> train = new ArrayList<>();
    List<Example> holdout = new ArrayList<>();
    for (Example example : batch.examples()) {
      (example.getSplit() == Split.TRAIN ? train : holdout).add(example);
    }
    Random random = new Random(seed);
    List<Example> stream = new ArrayList<>(split == CopySplit.COPIES ? train : List.of());
    for (int copy = 0; split == CopySplit.ROWS && copy < copies; copy++) {
      List<Example> shuffled = new ArrayList<>(train);
      Collections.shuffle(shuffled, random);
      stream.addAll(shuffled);
    }
    float[][] features = new float[holdout.size()][];
    int[] labels = new int[holdout.size()];
    for (int i = 0; i < holdout.size(); i++) {
      features[i] = toArray(holdout.get(i).getFeatures());
      labels[i] = holdout.get(i).getLabelIndex();
    }
    return new Prepared(stream, features, labels);
  }

  /**
   * Trains the first version on a full buffer (or, {@code fromStart}, when the trigger first fires,
   * as the service does), then {@code warmRounds} more, each after {@code
   * spec.trainer().retrainEvery()} new examples (fewer when the stream runs out).
   */
  static List<Version> run(
      PipelineSpec spec,
      Prepared data,
      boolean fromStart,
      int warmRounds,
      Bootstrap bootstrap,
      Device device) {
    TrainingState state = new TrainingState(spec, () -> 0L);
    TopicPartition partition = new TopicPartition("examples.train", 0);
    int numClasses = spec.label().classes().size();
    int featureCount = spec.featureNames().size();
    List<Version> versions = new ArrayList<>();
    int next = 0;
    try (TabularMlpRoundTrainer trainer =
        TabularMlpRoundTrainer.create(
            spec.name(), featureCount, numClasses, spec.trainer(), device)) {
      while (versions.size() <= warmRounds && next < data.train().size()) {
        state.offer(partition, next, data.train().get(next));
        next++;
        boolean due =
            versions.isEmpty() && !fromStart
                ? aClassIsFull(state.buffer())
                : state.roundDue().isPresent();
        if (!due) {
          continue;
        }
        TrainingState.Round round = state.startRound(RetrainTrigger.Reason.COUNT);
        ModelTrainer.Result result = trainer.train(round.data(), round.newExamples(), () -> false);
        int[] predicted = predict(trainer.model(), data.holdoutFeatures());
        HoldoutScore holdout =
            new HoldoutScore(
                ClassificationMetrics.macroF1(data.holdoutLabels(), predicted, numClasses),
                bootstrap.macroF1(data.holdoutLabels(), predicted, numClasses, 0.95));
        double swing =
            versions.isEmpty()
                ? Double.NaN
                : Math.abs(
                    holdout.macroF1() - versions.get(versions.size() - 1).holdout().macroF1());
        versions.add(
            new Version(
                versions.size() + 1,
                round.newExamples(),
                Math.min(1.0, round.newExamples() / (double) round.data().size()),
                result.epochs(),
                result.steps(),
                result.durationMs(),
                holdout,
                swing));
      }
    }
    return versions;
  }

  private static boolean aClassIsFull(ExampleBuffer buffer) {
    long perClass = buffer.capacity() / buffer.numClasses();
    for (long count : buffer.classCounts()) {
      if (count >= perClass) {
        return true;
      }
    }
    return false;
  }

  /** The model's classes for the holdout rows, as the evaluator scores an MLP. */
  static int[] predict(Model model, float[][] features) {
    int width = features[0].length;
    float[] flat = new float[features.length * width];
    for (int r = 0; r < features.length; r++) {
      System.arraycopy(features[r], 0, flat, r * width, width);
    }
    try (NDManager manager = model.getNDManager().newSubManager()) {
      NDArray input = manager.create(flat, new Shape(features.length, width));
      NDList output =
          model.getBlock().forward(new ParameterStore(manager, false), new NDList(input), false);
      float[] logits = output.singletonOrThrow().toFloatArray();
      int classes = logits.length / features.length;
      float[][] rows = new float[features.length][classes];
      for (int r = 0; r < features.length; r++) {
        System.arraycopy(logits, r * classes, rows[r], 0, classes);
      }
      return ScoringModel.argMax(rows);
    }
  }

  /** The largest swing between consecutive versions after the first. */
  static double maxSwing(List<Version> versions) {
    return versions.stream().skip(1).mapToDouble(Version::swing).max().orElse(Double.NaN);
  }

  /** The mean swing between consecutive versions after the first. */
  static double meanSwing(List<Version> versions) {
    return versions.stream().skip(1).mapToDouble(Version::swing).average().orElse(Double.NaN);
  }

  private static float[] toArray(List<Float> values) {
    float[] array = new float[values.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = values.get(i);
    }
    return array;
  }
}
