package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.dashboard.projection.TsneOptions;
import io.streamtune.dashboard.projection.TsneProgress;
import io.streamtune.dashboard.web.HoldoutMap;
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
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The dashboard's holdout map of a real pipeline: a trainer and an evaluator publish one version,
 * and the map places the holdout by that champion's embedding through {@link ChampionPredictor},
 * marking the same errors the evaluator counted. The bundled samples as examples.
 */
final class HoldoutMapRuns {

  private static final Path DATA = Path.of("..", "data");

  private HoldoutMapRuns() {}

  /**
   * Parses {@code specYaml}, trains on the first {@code trainCount} of {@code examples} and maps
   * the rest, the holdout, with the first version as the champion ({@link #mapOfFirstChampion}).
   */
  static Map<String, Object> mapOfFirstChampion(
      EmbeddedKafkaExtension kafka,
      String specYaml,
      Path store,
      List<Example> examples,
      int trainCount)
      throws Exception {
    PipelineSpec spec = PipelineSpecs.parse(specYaml, "holdout map spec");
    return mapOfFirstChampion(
        kafka,
        spec,
        store,
        examples.subList(0, trainCount),
        examples.subList(trainCount, examples.size()));
  }

  /**
   * Runs the pipeline to its first version, then maps the holdout with it as the champion; checks
   * the points, their trustworthiness and that the marked errors are the evaluator's.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> mapOfFirstChampion(
      EmbeddedKafkaExtension kafka,
      PipelineSpec spec,
      Path store,
      List<Example> train,
      List<Example> holdout)
      throws Exception {
    ModalityPipelines.Run run = ModalityPipelines.run(kafka, spec, store, train, holdout, 1);
    ModelVersion champion = run.versions().get(0);
    EvaluationReport report = run.reports().get(0);

    HoldoutMap map = new HoldoutMap();
    holdout.forEach(map::accept);
    Map<String, Object> maps;
    long started = System.nanoTime();
    try (ChampionPredictor predictor = new ChampionPredictor(store)) {
      predictor.accept(champion);
      maps = map.buildIfChanged(TsneOptions.defaults(), TsneProgress.NONE, predictor);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertThat(maps).isNotNull().containsEntry("model", spec.name() + " v1");
    long wrong = Math.round((1 - report.getAccuracy()) * report.getHoldoutSize());
    for (String method : List.of("PCA", "TSNE")) {
      Map<String, Object> entry = (Map<String, Object>) maps.get(method);
      List<List<Object>> points = (List<List<Object>>) entry.get("points");
      double trust = (Double) entry.get("trustworthiness");
      System.out.printf(
          Locale.ROOT,
          "%s %s map: %d points, trustworthiness %.3f, %d misclassified (evaluator: accuracy %.3f"
              + " of %d); built in %d ms%n",
          spec.name(),
          method,
          points.size(),
          trust,
          points.stream().filter(p -> (Boolean) p.get(3)).count(),
          report.getAccuracy(),
          report.getHoldoutSize(),
          millis);
      assertThat(points).hasSize(holdout.size());
      assertThat(trust).isGreaterThan(0.7);
      // the same scoring path as the evaluator: the same examples are wrong
      assertThat(points.stream().filter(p -> (Boolean) p.get(3)).count()).isEqualTo(wrong);
    }
    return maps;
  }

  static List<Example> reviews(int limit) throws Exception {
    List<Example> examples = new ArrayList<>();
    try (Reader reader =
        new InputStreamReader(
            new GZIPInputStream(
                Files.newInputStream(DATA.resolve("reviews").resolve("amazon-reviews-400.csv.gz"))),
            StandardCharsets.UTF_8)) {
      for (CSVRecord row :
          CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build().parse(reader)) {
        if (examples.size() == limit) {
          break;
        }
        String label = row.get("score");
        examples.add(
            example(
                    "review-" + examples.size(),
                    examples.size() < 160 ? Split.TRAIN : Split.HOLDOUT,
                    label,
                    label.equals("great") ? 0 : 1)
                .setText(row.get("review"))
                .build());
      }
    }
    return examples;
  }

  static List<Example> digits(int limit) {
    List<Example> examples = new ArrayList<>();
    Path mnist = DATA.resolve("mnist");
    try (IdxImageReader reader =
        new IdxImageReader(
            mnist.resolve("mnist-10k-images-idx3-ubyte.gz"),
            mnist.resolve("mnist-10k-labels-idx1-ubyte.gz"),
            IdxImageReader.DIGIT_CLASSES,
            "mnist",
            Clock.systemUTC())) {
      while (reader.hasNext() && examples.size() < limit) {
        RawRecord record = reader.next();
        examples.add(
            example(
                    "digit-" + examples.size(),
                    examples.size() < 200 ? Split.TRAIN : Split.HOLDOUT,
                    record.getLabel(),
                    IdxImageReader.DIGIT_CLASSES.indexOf(record.getLabel()))
                .setImage((ImagePayload) record.getPayload())
                .build());
      }
    }
    return examples;
  }

  private static Example.Builder example(String id, Split split, String label, int labelIndex) {
    return Example.newBuilder()
        .setId(id)
        .setSourceId(id)
        .setEventTime(Instant.parse("2026-12-07T00:00:00Z"))
        .setSplit(split)
        .setLabel(label)
        .setLabelIndex(labelIndex);
  }
}
