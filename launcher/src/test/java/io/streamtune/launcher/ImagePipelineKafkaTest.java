package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.ingest.IdxImageReader;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image pipeline's trainer (MNIST backbone, partial fine-tuning) and evaluator on Fashion-MNIST
 * examples produced straight to the example topics.
 */
class ImagePipelineKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final Path FASHION = Path.of("..", "..", "shared", "datasets", "fashion-mnist");

  static final String SPEC =
      """
      name: fashion
      modality: image
      image: {width: 28, height: 28}
      label:
        column: label
        classes: [T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot]
      trainer:
        retrainEvery: 200
        maxWaitSeconds: 0
        bufferCapacity: 2000
        backbone: mnist-cnn
        strategy: partial
        unfreezeLastBlocks: 1
        backboneLrFactor: 0.3
        learningRate: 0.001
        lrSchedule: cosine
        epochs: 4
        batchSize: 32
        validationFraction: 0.1
        earlyStoppingPatience: 2
        seed: 7
      """;

  static List<Example> examples(String images, String labels, int limit, Split split) {
    List<Example> examples = new ArrayList<>();
    List<String> classes = IdxImageReader.FASHION_MNIST_CLASSES;
    try (IdxImageReader reader =
        new IdxImageReader(
            FASHION.resolve(images),
            FASHION.resolve(labels),
            classes,
            "fashion",
            Clock.systemUTC())) {
      while (reader.hasNext() && examples.size() < limit) {
        RawRecord record = reader.next();
        String id = split.name().toLowerCase() + "-" + examples.size();
        examples.add(
            Example.newBuilder()
                .setId(id)
                .setSourceId(id)
                .setEventTime(Instant.parse("2026-01-01T00:00:00Z"))
                .setSplit(split)
                .setLabel(record.getLabel())
                .setLabelIndex(classes.indexOf(record.getLabel()))
                .setImage((ImagePayload) record.getPayload())
                .build());
      }
    }
    return examples;
  }

  @Test
  void versionsArePublishedScoredAndAccountForEveryOffset(@TempDir Path store) throws Exception {
    assumeTrue(
        Files.exists(FASHION.resolve("train-images-idx3-ubyte.gz")),
        "Fashion-MNIST is not in ../shared/datasets");
    PipelineSpec spec = PipelineSpecs.parse(SPEC, "image spec");
    List<Example> train =
        examples("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 400, Split.TRAIN);
    List<Example> holdout =
        examples("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 300, Split.HOLDOUT);

    ModalityPipelines.Run run = ModalityPipelines.run(KAFKA, spec, store, train, holdout, 2);

    ModelVersion v1 = run.versions().get(0);
    ModelVersion v2 = run.versions().get(1);
    assertThat(v1.getArchitecture()).startsWith("small-cnn").endsWith("from mnist-cnn");
    assertThat(v1.getFeatureCount()).isEqualTo(784);
    assertThat(v1.getDevice()).isEqualTo("cpu()");
    assertThat(v1.getExamplesTrainedOn()).isEqualTo(200);
    assertThat(v2.getParentVersion()).isEqualTo(1);
    assertThat(v2.getExamplesTrainedOn()).isEqualTo(400);
    ModalityPipelines.assertOffsetsAccountFor(run.versions(), 400);
    assertThat(run.versions().stream().mapToLong(ModelVersion::getNewExamples).sum())
        .isEqualTo(400);
    assertThat(Path.of(v2.getStorePath()).resolve("buffer.bin")).exists();
    assertThat(Path.of(v2.getStorePath()).resolve("training.json")).content().contains("partial");
    for (EvaluationReport report : run.reports()) {
      System.out.printf(
          "image v%d: holdout %d, accuracy %.3f, macro F1 %.3f (baseline %.3f)%n",
          report.getVersion(),
          report.getHoldoutSize(),
          report.getAccuracy(),
          report.getMacroF1(),
          report.getMajorityBaselineMacroF1());
      assertThat(report.getHoldoutSize()).isEqualTo(300);
      assertThat(report.getAccuracy()).isGreaterThan(0.5);
      assertThat(report.getMacroF1()).isGreaterThan(report.getMajorityBaselineMacroF1() + 0.3);
    }
  }
}
