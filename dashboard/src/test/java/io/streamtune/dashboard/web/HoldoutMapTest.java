package io.streamtune.dashboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.dashboard.projection.TsneOptions;
import io.streamtune.dashboard.projection.TsneProgress;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import java.time.Instant;
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
    assertThat(maps).containsOnlyKeys("model", "space", "PCA", "TSNE");
    assertThat(maps).containsEntry("space", "features");
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
          public Scored score(List<Example> examples, boolean embed) {
            assertThat(embed).as("tabular examples are placed by their features").isFalse();
            return new Scored(
                examples.stream().map(e -> e.getFeatures().get(2) > 0 ? "far" : "near").toList(),
                null);
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

  private static Example text(String id, String label, String text, Split split) {
    return Example.newBuilder()
        .setId(id)
        .setSourceId(id)
        .setEventTime(Instant.parse("2026-12-07T00:00:00Z"))
        .setSplit(split)
        .setLabel(label)
        .setLabelIndex(label.equals("sport") ? 0 : 1)
        .setText(text)
        .build();
  }

  /**
   * A fixed embedder: a text's vector counts its sport words and its cooking words (plus a small
   * deterministic jitter); it predicts by the larger count, so a text with as many of each is a
   * miss for exactly one of the two labels. It counts what it was asked to score.
   */
  private static final class WordCountEmbedder implements HoldoutPredictor {
    String name = "topics v1";
    int scored;
    int calls;

    @Override
    public String model() {
      return name;
    }

    @Override
    public Scored score(List<Example> examples, boolean embed) {
      calls++;
      scored += examples.size();
      double[][] rows = new double[examples.size()][];
      List<String> guesses = new java.util.ArrayList<>();
      for (int i = 0; i < rows.length; i++) {
        String t = examples.get(i).getText();
        double sport = count(t, "goal");
        double cooking = count(t, "oven");
        rows[i] =
            new double[] {sport + 0.01 * (t.length() % 7), cooking, 0.02 * (t.hashCode() % 5)};
        guesses.add(sport > cooking ? "sport" : "cooking");
      }
      return new Scored(guesses, embed ? rows : null);
    }

    private static int count(String text, String word) {
      return text.split(word, -1).length - 1;
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void placesTextsByTheChampionsEmbeddingAndScoresEachOncePerChampion() {
    HoldoutMap map = new HoldoutMap();
    Random random = new Random(5);
    int ties = 0;
    for (int i = 0; i < 40; i++) {
      boolean sport = i % 2 == 0;
      int own = 2 + random.nextInt(3);
      // every fifth text as many words of the other topic: the embedder calls it cooking
      int other = i % 5 == 0 ? own : random.nextInt(2);
      if (i % 5 == 0 && sport) {
        ties++;
      }
      String text =
          (sport ? "goal " : "oven ").repeat(own) + (sport ? "oven " : "goal ").repeat(other);
      assertThat(map.accept(text("t" + i, sport ? "sport" : "cooking", text, Split.HOLDOUT)))
          .isTrue();
    }
    // augmented copies, training texts and tabular rows are not drawn on a text map
    Example copy = text("t0#aug1", "sport", "goal goal", Split.HOLDOUT);
    copy.setAugmentedFrom("t0");
    assertThat(map.accept(copy)).isFalse();
    assertThat(map.accept(text("x", "sport", "goal", Split.TRAIN))).isFalse();
    assertThat(map.accept(example(Split.HOLDOUT, "near", List.of(1f, 2f)))).isFalse();

    TsneOptions tsne = TsneOptions.defaults().withIterations(300);
    // no champion: a text has no place without an embedding
    assertThat(map.buildIfChanged(tsne, TsneProgress.NONE, HoldoutPredictor.NONE)).isNull();

    WordCountEmbedder embedder = new WordCountEmbedder();
    Map<String, Object> maps = map.buildIfChanged(tsne, TsneProgress.NONE, embedder);
    assertThat(maps).containsEntry("model", "topics v1");
    assertThat(maps).containsEntry("space", "text embedding (3-d)");
    for (String method : List.of("PCA", "TSNE")) {
      Map<String, Object> entry = (Map<String, Object>) maps.get(method);
      List<List<Object>> points = (List<List<Object>>) entry.get("points");
      assertThat(points).hasSize(40);
      assertThat(points.stream().filter(p -> (Boolean) p.get(3)).count()).isEqualTo(ties);
      assertThat((Double) entry.get("trustworthiness")).isGreaterThan(0.8);
    }
    assertThat(embedder.scored).isEqualTo(40);

    // two more texts: only they are embedded
    map.accept(text("t40", "sport", "goal goal goal", Split.HOLDOUT));
    map.accept(text("t41", "cooking", "oven oven", Split.HOLDOUT));
    assertThat(map.buildIfChanged(tsne, TsneProgress.NONE, embedder)).isNotNull();
    assertThat(embedder.scored).isEqualTo(42);
    assertThat(map.buildIfChanged(tsne, TsneProgress.NONE, embedder)).isNull();

    // a new champion: every text embedded again, by it
    embedder.name = "topics v2";
    assertThat(map.buildIfChanged(tsne, TsneProgress.NONE, embedder))
        .containsEntry("model", "topics v2");
    assertThat(embedder.scored).isEqualTo(84);
  }

  @Test
  void aTextMapWaitsForAChampionThatEmbeds() {
    HoldoutMap map = new HoldoutMap();
    for (int i = 0; i < 20; i++) {
      map.accept(text("t" + i, i % 2 == 0 ? "sport" : "cooking", "goal ".repeat(i), Split.HOLDOUT));
    }
    HoldoutPredictor predictsOnly =
        new HoldoutPredictor() {
          @Override
          public String model() {
            return "trees v1";
          }

          @Override
          public Scored score(List<Example> examples, boolean embed) {
            return new Scored(examples.stream().map(e -> "sport").toList(), null);
          }
        };
    TsneOptions tsne = TsneOptions.defaults().withIterations(300);
    assertThat(map.buildIfChanged(tsne, TsneProgress.NONE, predictsOnly)).isNull();
  }

  @Test
  void keepsTheFirstCharactersOfALongText() {
    HoldoutMap map = new HoldoutMap();
    List<Integer> lengths = new java.util.ArrayList<>();
    HoldoutPredictor lengthOfText =
        new HoldoutPredictor() {
          @Override
          public String model() {
            return "m v1";
          }

          @Override
          public Scored score(List<Example> examples, boolean embed) {
            examples.forEach(e -> lengths.add(e.getText().length()));
            return new Scored(
                examples.stream().map(Example::getLabel).map(String::valueOf).toList(),
                examples.stream()
                    .map(e -> new double[] {e.getText().length(), e.getLabelIndex()})
                    .toArray(double[][]::new));
          }
        };
    for (int i = 0; i < 12; i++) {
      map.accept(
          text(
              "t" + i,
              i % 2 == 0 ? "sport" : "cooking",
              "x".repeat(HoldoutMap.MAX_TEXT_CHARS - 5 + i),
              Split.HOLDOUT));
    }
    assertThat(
            map.buildIfChanged(
                TsneOptions.defaults().withIterations(250), TsneProgress.NONE, lengthOfText))
        .isNotNull();
    assertThat(lengths)
        .hasSize(12)
        .allSatisfy(l -> assertThat(l).isLessThanOrEqualTo(HoldoutMap.MAX_TEXT_CHARS));
  }

  private static double meanX(List<List<Object>> points, String label) {
    return points.stream()
        .filter(p -> p.get(2).equals(label))
        .mapToDouble(p -> (Double) p.get(0))
        .average()
        .orElseThrow();
  }
}
