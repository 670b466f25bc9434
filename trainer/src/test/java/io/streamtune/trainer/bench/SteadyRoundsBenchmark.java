package io.streamtune.trainer.bench;

import ai.djl.Device;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.TrainerSpec;
import io.streamtune.trainer.SteadyRoundsRun;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * bench/steady_rounds.sh: the same stream of prepared lending_club examples through the trainer
 * twice, with the warm-round keys off (every round all epochs at the full rate: the behaviour
 * before issue 18) and at their defaults, each version scored on the fixed holdout with a bootstrap
 * CI.
 *
 * <p>Arguments: spec, csv, copies, bufferCapacity, retrainEvery, warmRounds, bootstrap resamples;
 * {@code -Dsplit=copies|rows} (default rows) and {@code -DfromStart=true} (the first version when
 * the trigger first fires, not on a full buffer).
 */
public final class SteadyRoundsBenchmark {

  private SteadyRoundsBenchmark() {}

  public static void main(String[] args) {
    if (args.length != 7) {
      throw new IllegalArgumentException(
          "usage: SteadyRoundsBenchmark <spec.yaml> <data.csv> <copies> <bufferCapacity>"
              + " <retrainEvery> <warmRounds> <resamples>");
    }
    Path csv = Path.of(args[1]);
    if (!Files.isRegularFile(csv)) {
      throw new IllegalArgumentException(
          csv
              + " is not there: lending_club.csv is not in the repository; copy it from"
              + " ../shared/datasets/tabular (see ../shared/datasets/README.md) or pass its path");
    }
    PipelineSpec base = PipelineSpecs.load(Path.of(args[0]));
    TrainerSpec trainer =
        base.trainer()
            .with(TrainerSpec.BUFFER_CAPACITY, Integer.parseInt(args[3]))
            .with(TrainerSpec.RETRAIN_EVERY, Integer.parseInt(args[4]))
            .with(TrainerSpec.MAX_WAIT_SECONDS, 0);
    SteadyRoundsRun.compare(
        base.withTrainer(trainer),
        csv,
        Integer.parseInt(args[2]),
        System.getProperty("split", "rows"),
        Boolean.getBoolean("fromStart"),
        Integer.parseInt(args[5]),
        Integer.parseInt(args[6]),
        Device.cpu(),
        System.out);
  }
}
