package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A text pipeline's trainer (frozen MiniLM + tuned linear head) and evaluator on short texts of two
 * topics produced straight to the example topics.
 */
class TextPipelineKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  static final String SPEC =
      """
      name: topics
      modality: text
      label:
        column: label
        classes: [sport, cooking]
      trainer:
        retrainEvery: 150
        maxWaitSeconds: 0
        bufferCapacity: 1000
        backbone: minilm
        seed: 3
      """;

  private static final String[][] WORDS = {
    {"match", "goal", "team", "coach", "league", "striker", "referee", "season", "penalty", "fans"},
    {"oven", "recipe", "garlic", "simmer", "flour", "butter", "sauce", "bake", "onion", "kitchen"}
  };
  private static final String[] FILLER = {"the", "a", "today", "was", "really", "and", "with"};

  static List<Example> examples(int count, long seed, Split split) {
    Random random = new Random(seed);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int label = random.nextInt(2);
      StringBuilder text = new StringBuilder();
      for (int w = 0; w < 8; w++) {
        String[] pool = random.nextDouble() < 0.4 ? FILLER : WORDS[label];
        text.append(pool[random.nextInt(pool.length)]).append(' ');
      }
      String id = split.name().toLowerCase() + "-" + seed + "-" + i;
      examples.add(
          Example.newBuilder()
              .setId(id)
              .setSourceId(id)
              .setEventTime(Instant.parse("2026-01-01T00:00:00Z"))
              .setSplit(split)
              .setLabel(label == 0 ? "sport" : "cooking")
              .setLabelIndex(label)
              .setText(text.toString().trim())
              .build());
    }
    return examples;
  }

  @Test
  void versionsArePublishedScoredAndAccountForEveryOffset(@TempDir Path store) throws Exception {
    PipelineSpec spec = PipelineSpecs.parse(SPEC, "text spec");
    List<Example> train = examples(300, 1, Split.TRAIN);
    List<Example> holdout = examples(120, 2, Split.HOLDOUT);

    ModalityPipelines.Run run = ModalityPipelines.run(KAFKA, spec, store, train, holdout, 2);

    ModelVersion v1 = run.versions().get(0);
    assertThat(v1.getArchitecture()).isEqualTo("text-linear[minilm]");
    assertThat(v1.getFeatureCount()).isZero();
    assertThat(run.versions().get(1).getExamplesTrainedOn()).isEqualTo(300);
    ModalityPipelines.assertOffsetsAccountFor(run.versions(), 300);
    assertThat(run.versions().stream().mapToLong(ModelVersion::getNewExamples).sum())
        .isEqualTo(300);
    assertThat(Path.of(v1.getStorePath()).resolve("head.bin")).exists();
    for (EvaluationReport report : run.reports()) {
      System.out.printf(
          "text v%d: holdout %d, accuracy %.3f, macro F1 %.3f%n",
          report.getVersion(), report.getHoldoutSize(), report.getAccuracy(), report.getMacroF1());
      assertThat(report.getHoldoutSize()).isEqualTo(120);
      assertThat(report.getMacroF1()).isGreaterThan(0.9);
    }
  }
}
