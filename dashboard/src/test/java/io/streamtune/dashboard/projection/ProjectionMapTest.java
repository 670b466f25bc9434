package io.streamtune.dashboard.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProjectionMapTest {

  private static final SklearnGolden GOLDEN = SklearnGolden.load();

  @Test
  void pcaMapCarriesLabelsPredictionsAndMarksTheMisclassified() {
    List<String> predicted = new ArrayList<>(GOLDEN.labels());
    predicted.set(3, "wrong");
    predicted.set(17, "wrong");

    ProjectionMap map =
        ProjectionMap.build(
            GOLDEN.input(),
            GOLDEN.labels(),
            predicted,
            ProjectionMap.Method.PCA,
            2_000,
            TsneOptions.defaults(),
            TsneProgress.NONE);

    assertThat(map.points()).hasSize(500);
    assertThat(map.sourceCount()).isEqualTo(500);
    assertThat(map.misclassifiedCount()).isEqualTo(2);
    ProjectionMap.Point third = map.points().get(3);
    assertThat(third.misclassified()).isTrue();
    assertThat(third.label()).isEqualTo(GOLDEN.labels().get(3));
    assertThat(third.predicted()).isEqualTo("wrong");
    assertThat(third.x()).isCloseTo(GOLDEN.matrix("pca_projection")[3][0], within(1e-6));
    assertThat(map.explainedVarianceRatio())
        .containsExactly(GOLDEN.vector("pca_explained_variance_ratio"), within(1e-9));
    assertThat(map.trustworthiness())
        .isCloseTo(GOLDEN.number("pca_trustworthiness_k5"), within(1e-9));
  }

  @Test
  void tsneMapOfAStratifiedSampleKeepsEveryClassShare() {
    // an imbalanced holdout: class "0" keeps all its 100 points, the others 10 each
    List<Integer> keep = new ArrayList<>();
    int[] perClass = new int[5];
    for (int i = 0; i < GOLDEN.labels().size(); i++) {
      int label = Integer.parseInt(GOLDEN.labels().get(i));
      if (label == 0 || perClass[label]++ < 10) {
        keep.add(i);
      }
    }
    double[][] features = keep.stream().map(i -> GOLDEN.input()[i]).toArray(double[][]::new);
    List<String> labels = keep.stream().map(GOLDEN.labels()::get).toList();

    ProjectionMap map =
        ProjectionMap.build(
            features,
            labels,
            labels,
            ProjectionMap.Method.TSNE,
            70,
            TsneOptions.defaults(),
            TsneProgress.NONE);

    Map<String, Long> shares =
        map.points().stream()
            .collect(Collectors.groupingBy(ProjectionMap.Point::label, Collectors.counting()));
    assertThat(shares).containsEntry("0", 50L).containsEntry("1", 5L).containsEntry("4", 5L);
    assertThat(map.points()).hasSize(70);
    assertThat(map.sourceCount()).isEqualTo(140);
    assertThat(map.misclassifiedCount()).isZero();
    assertThat(map.explainedVarianceRatio()).isEmpty();
    assertThat(map.trustworthiness()).isGreaterThan(0.9);
    // the same seed picks the same examples; another seed others
    List<Integer> again = indices(ProjectionMap.Method.PCA, features, labels, 0);
    assertThat(indices(ProjectionMap.Method.PCA, features, labels, 0)).isEqualTo(again);
    assertThat(indices(ProjectionMap.Method.PCA, features, labels, 1)).isNotEqualTo(again);
  }

  @Test
  void everyClassKeepsOnePointEvenWhenItsShareRoundsToNone() {
    List<String> labels = new ArrayList<>(Collections.nCopies(98, "common"));
    labels.add("rare");
    labels.add("rarer");

    int[] chosen = StratifiedSample.indices(labels, 10, 3);

    assertThat(chosen).hasSize(10).contains(98, 99);
  }

  @Test
  void refusesLabelsThatDoNotMatchTheFeatures() {
    double[][] features = new double[6][2];
    List<String> five = Collections.nCopies(5, "a");
    List<String> six = Collections.nCopies(6, "a");
    assertThatThrownBy(
            () ->
                ProjectionMap.build(
                    features,
                    five,
                    six,
                    ProjectionMap.Method.PCA,
                    100,
                    TsneOptions.defaults(),
                    TsneProgress.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("projection map: 6 feature rows but 5 actual labels");
    List<String> withNull = new ArrayList<>(six);
    withNull.set(2, null);
    assertThatThrownBy(
            () ->
                ProjectionMap.build(
                    features,
                    six,
                    withNull,
                    ProjectionMap.Method.PCA,
                    100,
                    TsneOptions.defaults(),
                    TsneProgress.NONE))
        .hasMessage("projection map: the predicted label of example 2 is null");
    // immutable label lists (which refuse indexOf(null)) are accepted as they are
    assertThat(
            ProjectionMap.build(
                    features,
                    List.copyOf(six),
                    List.of("a", "a", "a", "a", "a", "a"),
                    ProjectionMap.Method.PCA,
                    100,
                    TsneOptions.defaults(),
                    TsneProgress.NONE)
                .points())
        .hasSize(6);
    assertThatThrownBy(
            () ->
                ProjectionMap.build(
                    features,
                    six,
                    six,
                    ProjectionMap.Method.PCA,
                    4,
                    TsneOptions.defaults(),
                    TsneProgress.NONE))
        .hasMessage("projection maxPoints must be ≥ 5, got 4");
  }

  private static List<Integer> indices(
      ProjectionMap.Method method, double[][] features, List<String> labels, long seed) {
    return ProjectionMap.build(
            features,
            labels,
            labels,
            method,
            70,
            TsneOptions.defaults().withSeed(seed),
            TsneProgress.NONE)
        .points()
        .stream()
        .map(ProjectionMap.Point::index)
        .toList();
  }
}
