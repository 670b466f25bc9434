package io.streamtune.dashboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.dashboard.projection.TsneOptions;
import io.streamtune.dashboard.projection.TsneProgress;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HoldoutMapTest {

  private static Example example(Split split, String label, List<Float> features) {
    return Example.newBuilder()
        .setId(label + features)
        .setSourceId(label + features)
        .setEventTime(Instant.parse("2026-12-07T00:00:00Z"))
        .setSplit(split)
        .setLabel(label)
        .setLabelIndex(label.equals("near") ? 0 : 1)
        .setFeatures(features)
        .build();
  }

  @Test
  @SuppressWarnings("unchecked")
  void mapsTheHoldoutsTwoClustersApartByPcaAndTsne() {
    HoldoutMap map = new HoldoutMap();
    Random random = new Random(3);
    long noiseRuleErrors = 0;
    for (int i = 0; i < 30; i++) {
      String label = i % 2 == 0 ? "near" : "far";
      float centre = label.equals("near") ? 0f : 10f;
      List<Float> features =
          List.of(
              centre + (float) random.nextGaussian(),
              centre + (float) random.nextGaussian(),
              (float) random.nextGaussian());
      assertThat(map.accept(example(Split.HOLDOUT, label, features))).isTrue();
      if (!label.equals(features.get(2) > 0 ? "far" : "near")) {
        noiseRuleErrors++;
      }
    }
    // training examples, examples without features and another width are not drawn
    assertThat(map.accept(example(Split.TRAIN, "near", List.of(1f, 2f, 3f)))).isFalse();
    assertThat(map.accept(example(Split.HOLDOUT, "near", List.of()))).isFalse();
    assertThat(map.accept(example(Split.HOLDOUT, "near", List.of(1f, 2f)))).isFalse();

    TsneOptions tsne = TsneOptions.defaults().withIterations(300);
    Map<String, Object> maps = map.buildIfChanged(tsne, TsneProgress.NONE, HoldoutPredictor.NONE);
    assertThat(maps).containsOnlyKeys("model", "PCA", "TSNE");
    for (String method : List.of("PCA", "TSNE")) {
      List<List<Object>> points =
          (List<List<Object>>) ((Map<String, Object>) maps.get(method)).get("points");
      assertThat(points).hasSize(30);
      // no model is loaded: nothing is marked misclassified
      assertThat(points).allSatisfy(point -> assertThat(point.get(3)).isEqualTo(false));
      double nearX = meanX(points, "near");
      double farX = meanX(points, "far");
      double spread =
          points.stream().mapToDouble(p -> (Double) p.get(0)).max().orElseThrow()
              - points.stream().mapToDouble(p -> (Double) p.get(0)).min().orElseThrow();
      // PCA's first axis is the clusters' direction; t-SNE separates them too, along some axis
      if (method.equals("PCA")) {
        assertThat(Math.abs(nearX - farX)).as(method).isGreaterThan(0.6 * spread);
      }
      assertThat(((Map<String, Object>) maps.get(method)).get("trustworthiness"))
          .as(method)
          .isInstanceOfSatisfying(Double.class, t -> assertThat(t).isGreaterThan(0.8));
    }
    // nothing new: no rebuild
    assertThat(map.buildIfChanged(tsne, TsneProgress.NONE, HoldoutPredictor.NONE)).isNull();

    // a champion arrives: the map is drawn again with its errors marked
    // a poor champion: it guesses from the third feature, which is noise
    HoldoutPredictor noiseRule =
        new HoldoutPredictor() {
          @Override
          public String model() {
            return "shapes v2";
          }

          @Override
          public List<String> predict(double[][] rows) {
            return Arrays.stream(rows).map(r -> r[2] > 0 ? "far" : "near").toList();
          }
        };
    Map<String, Object> marked = map.buildIfChanged(tsne, TsneProgress.NONE, noiseRule);
    assertThat(marked).containsEntry("model", "shapes v2");
    List<List<Object>> points =
        (List<List<Object>>) ((Map<String, Object>) marked.get("PCA")).get("points");
    assertThat(noiseRuleErrors).isBetween(5L, 25L);
    assertThat(points.stream().filter(p -> (Boolean) p.get(3)).count()).isEqualTo(noiseRuleErrors);
    assertThat(map.buildIfChanged(tsne, TsneProgress.NONE, noiseRule)).isNull();
  }

  @Test
  void keepsAtMostMaxExamples() {
    HoldoutMap map = new HoldoutMap();
    int kept = 0;
    for (int i = 0; i < HoldoutMap.MAX_EXAMPLES + 10; i++) {
      if (map.accept(example(Split.HOLDOUT, "near", List.of((float) i, 1f)))) {
        kept++;
      }
    }
    assertThat(kept).isEqualTo(HoldoutMap.MAX_EXAMPLES);
  }

  private static double meanX(List<List<Object>> points, String label) {
    return points.stream()
        .filter(p -> p.get(2).equals(label))
        .mapToDouble(p -> (Double) p.get(0))
        .average()
        .orElseThrow();
  }
}
