package io.streamtune.trainer.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.trainer.ExampleBuffer;
import io.streamtune.trainer.ModelTrainerFactory;
import io.streamtune.trainer.TrainerKinds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The selection core end to end on small tabular data with the service's own MLP trainer. */
class ModelSelectionTest {

  private static final PipelineSpec SPEC =
      PipelineSpecs.parse(
          """
          name: blobs
          label:
            column: kind
            classes: [left, right]
          columns:
            x: {type: numeric}
            y: {type: numeric}
            z: {type: numeric}
          trainer:
            learningRate: 0.02
            epochs: 40
            batchSize: 32
            seed: 3
          """,
          "test spec");

  /**
   * Class 1 shifted by +2 on every feature, a third of the examples; overlapping, not separable.
   */
  private static ExampleBuffer.Snapshot blobs(int count) {
    Random random = new Random(11);
    float[][] features = new float[count][3];
    int[] labels = new int[count];
    List<ExampleBuffer.Item> items = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      labels[i] = random.nextDouble() < 0.33 ? 1 : 0;
      for (int f = 0; f < 3; f++) {
        features[i][f] = (float) (random.nextGaussian() + 2.0 * labels[i]);
      }
      items.add(new ExampleBuffer.Item("dup", labels[i], features[i], null, null));
    }
    return new ExampleBuffer.Snapshot(features, labels, 2, items);
  }

  private static ModelSelection.Options options(int folds, Duration budget, Path scratch) {
    return new ModelSelection.Options(
        folds, budget, Ranking.Settings.defaults(5L), Device.cpu(), 1, scratch);
  }

  @Test
  void kFoldScoresEveryExampleOutOfFoldAndRanksTheCandidates(@TempDir Path scratch) {
    ExampleBuffer.Snapshot data = blobs(160);
    List<String> progress = new ArrayList<>();
    ModelSelection.Report report =
        ModelSelection.run(
            SPEC,
            data,
            Candidates.named(SPEC, List.of("mlp[16]", "logreg")),
            options(4, null, scratch),
            TrainerKinds.registry(),
            progress::add);

    assertEquals(4, report.folds());
    assertEquals("4-fold stratified, out-of-fold predictions", report.split());
    // every example is scored, in index order
    assertArrayEquals(data.labels(), report.actual());
    assertEquals(2, report.ranking().size());
    assertEquals(report.ranking().get(0).name(), report.winner().name());
    assertTrue(report.ranking().get(0).macroF1() >= report.ranking().get(1).macroF1());
    for (Ranking.Row row : report.ranking()) {
      ModelSelection.Measured measured = report.measured().get(row.name());
      assertEquals(160, measured.predicted().length);
      assertEquals(
          ClassificationMetrics.compute(
                  report.actual(), measured.predicted(), SPEC.label().classes())
              .macroF1(),
          row.macroF1(),
          1e-12);
      // shifted by 2 standard deviations on 3 features: far better than chance
      assertTrue(row.metrics().accuracy() > 0.85, row.name() + ": " + row.metrics().accuracy());
      assertTrue(measured.latencyP99Ms() >= measured.latencyP50Ms());
      assertTrue(measured.trainSeconds() > 0);
    }
    // (3 + 1) x 2; 3 x 16 + 16 + 16 x 2 + 2
    assertEquals(8, report.measured().get("logreg").parameterCount());
    assertEquals(98, report.measured().get("mlp[16]").parameterCount());
    // cheapest first, one line per fold
    assertEquals(8, progress.size());
    assertTrue(progress.get(0).startsWith("[1/2] logreg fold 1/4: trained on 120 examples"));
  }

  @Test
  void aBudgetTooSmallForAnyCandidateSkipsThemAll(@TempDir Path scratch) {
    ModelSelection.Report report =
        ModelSelection.run(
            SPEC,
            blobs(160),
            Candidates.named(SPEC, List.of("logreg", "mlp[64,32]")),
            options(4, Duration.ofMillis(1), scratch),
            TrainerKinds.registry(),
            line -> {});
    assertTrue(report.ranking().isEmpty());
    assertNull(report.winner());
    assertEquals(
        List.of("logreg", "mlp[64,32]"),
        report.skipped().stream().map(ModelSelection.Skipped::name).toList());
  }

  @Test
  void aCandidateThatFailsIsListedAndTheOthersStillRank(@TempDir Path scratch) {
    ModelTrainerFactory registry = TrainerKinds.registry();
    ModelTrainerFactory failingLogreg =
        ModelTrainerFactory.of(
            registry::architecture,
            setup -> {
              if (setup.trainer().hiddenUnits().isEmpty()) {
                throw new IllegalStateException("out of memory");
              }
              return registry.create(setup);
            },
            registry::resume);
    ModelSelection.Report report =
        ModelSelection.run(
            SPEC,
            blobs(160),
            Candidates.named(SPEC, List.of("logreg", "mlp[16]")),
            options(2, null, scratch),
            failingLogreg,
            line -> {});
    assertEquals(List.of("mlp[16]"), report.ranking().stream().map(Ranking.Row::name).toList());
    assertEquals(
        List.of(new ModelSelection.Skipped("logreg", "failed: out of memory")), report.skipped());
  }

  @Test
  void oneClassOnlyIsRefused(@TempDir Path scratch) {
    float[][] features = {{0f, 0f, 0f}, {1f, 1f, 1f}};
    List<ExampleBuffer.Item> items =
        List.of(
            new ExampleBuffer.Item(null, 0, features[0], null, null),
            new ExampleBuffer.Item(null, 0, features[1], null, null));
    ExampleBuffer.Snapshot single = new ExampleBuffer.Snapshot(features, new int[2], 2, items);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelSelection.run(
                    SPEC,
                    single,
                    Candidates.named(SPEC, List.of("logreg")),
                    options(2, null, scratch),
                    TrainerKinds.registry(),
                    line -> {}));
    assertEquals(
        "the input has one class only ([left]); a selection needs examples of at least two of"
            + " [left, right]",
        e.getMessage());
  }
}
