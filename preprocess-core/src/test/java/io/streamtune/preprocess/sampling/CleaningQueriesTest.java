package io.streamtune.preprocess.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.preprocess.sampling.BatchResampler.Reason;
import io.streamtune.preprocess.sampling.BatchResampler.Removal;
import io.streamtune.spec.SamplingSpec;
import io.streamtune.spec.SamplingSpec.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The batch cleaning asks only the queries a verdict can depend on ({@link CleaningQueries}); it
 * must remove exactly the rows, with exactly the neighbours, that asking every point does.
 */
class CleaningQueriesTest {

  /**
   * Clustered points on a coarse grid (many equal distances), with exact duplicates within and
   * across classes; classes drawn with the given shares.
   */
  static List<LabeledVector> clustered(int n, int dims, double[] shares, long seed) {
    Random random = new Random(seed);
    double[][] centres = new double[shares.length][dims];
    for (double[] centre : centres) {
      for (int d = 0; d < dims; d++) {
        centre[d] = random.nextGaussian() * 1.5;
      }
    }
    List<LabeledVector> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double draw = random.nextDouble();
      int cls = 0;
      while (cls < shares.length - 1 && draw >= shares[cls]) {
        draw -= shares[cls];
        cls++;
      }
      double[] x = new double[dims];
      if (i > 10 && random.nextInt(20) == 0) {
        x = rows.get(random.nextInt(rows.size())).features().clone(); // a duplicate
      } else {
        for (int d = 0; d < dims; d++) {
          x[d] = Math.round((centres[cls][d] + random.nextGaussian()) * 2) / 2.0;
        }
      }
      rows.add(LabeledVector.original("r" + i, "c" + cls, x));
    }
    return rows;
  }

  /** The cleaning as it was: every cleaned point (every point, for Tomek) asked its neighbours. */
  static List<Removal> askingEveryPoint(List<LabeledVector> rows, SamplingSpec spec) {
    List<String> names = new ArrayList<>(new TreeSet<>(rows.stream().map(r -> r.label()).toList()));
    int[] classOf = rows.stream().mapToInt(r -> names.indexOf(r.label())).toArray();
    long[] counts = new long[names.size()];
    for (int c : classOf) {
      counts[c]++;
    }
    int minority = SamplingTargets.minority(counts);
    boolean tomek = spec.method() == Method.TOMEK;
    int k = tomek ? 1 : spec.ennNeighbors();
    double[][] points = rows.stream().map(LabeledVector::features).toArray(double[][]::new);
    long[][] neighbours = AllNearestNeighbours.of(points, k, i -> true);
    CleaningRules.Source source =
        new CleaningRules.Source() {
          @Override
          public long[] nearestTo(long key, int count) {
            return neighbours[(int) key];
          }

          @Override
          public int classOf(long key) {
            return classOf[(int) key];
          }
        };
    List<Removal> removed = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (classOf[i] == minority) {
        continue;
      }
      long[] against;
      if (tomek) {
        long partner = CleaningRules.tomekPartner(i, source);
        against = partner == CleaningRules.NO_LINK ? null : new long[] {partner};
      } else {
        against = CleaningRules.ennVerdict(i, k, source);
      }
      if (against != null) {
        List<String> ids = new ArrayList<>();
        for (long other : against) {
          ids.add(rows.get((int) other).id());
        }
        Reason reason = tomek ? Reason.TOMEK_LINK : Reason.EDITED_NEAREST_NEIGHBOURS;
        removed.add(new Removal(rows.get(i), reason, ids));
      }
    }
    return removed;
  }

  private static void assertSameRemovals(List<LabeledVector> rows, Method method) {
    SamplingSpec spec = SamplingSpec.of(method);
    List<Removal> expected = askingEveryPoint(rows, spec);
    List<Removal> actual = BatchResampler.resample(rows, spec).removed();
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i).row().id()).isEqualTo(expected.get(i).row().id());
      assertThat(actual.get(i).reason()).isEqualTo(expected.get(i).reason());
      assertThat(actual.get(i).neighbourIds()).isEqualTo(expected.get(i).neighbourIds());
    }
  }

  @Test
  void scanWithSmallOtherClassesRemovesWhatAskingEveryPointDoes() {
    // 17 dimensions: the blocked scan, and the r_i pre-check (the other classes are few)
    int removals = 0;
    for (long seed = 1; seed <= 4; seed++) {
      List<LabeledVector> two = clustered(2_000, 17, new double[] {0.94, 0.06}, seed);
      List<LabeledVector> three = clustered(2_000, 17, new double[] {0.92, 0.05, 0.03}, seed);
      for (List<LabeledVector> rows : List.of(two, three)) {
        assertSameRemovals(rows, Method.TOMEK);
        assertSameRemovals(rows, Method.ENN);
        removals += askingEveryPoint(rows, SamplingSpec.of(Method.ENN)).size();
      }
    }
    assertThat(removals).as("the data must make ENN remove rows").isGreaterThan(50);
  }

  @Test
  void scanWithLargeOtherClassesRemovesWhatAskingEveryPointDoes() {
    // no pre-check: the other classes are a large share
    for (long seed = 5; seed <= 7; seed++) {
      List<LabeledVector> rows = clustered(1_500, 16, new double[] {0.5, 0.3, 0.2}, seed);
      assertSameRemovals(rows, Method.TOMEK);
      assertSameRemovals(rows, Method.ENN);
    }
  }

  @Test
  void treeRemovesWhatAskingEveryPointDoes() {
    // 3 dimensions and many points: the k-d tree, with Tomek's two phases
    for (long seed = 8; seed <= 10; seed++) {
      List<LabeledVector> rows = clustered(6_000, 3, new double[] {0.8, 0.15, 0.05}, seed);
      assertThat(AllNearestNeighbours.scans(rows.size(), 3)).isFalse();
      assertSameRemovals(rows, Method.TOMEK);
      assertSameRemovals(rows, Method.ENN);
    }
  }

  @Test
  void tomekAsksOnlyThePointsOutsideTheLargestClassAndTheirPartners() {
    List<LabeledVector> rows = clustered(2_000, 17, new double[] {0.9, 0.1}, 11);
    double[][] points = rows.stream().map(LabeledVector::features).toArray(double[][]::new);
    int[] classOf = rows.stream().mapToInt(r -> r.label().equals("c0") ? 0 : 1).toArray();
    long[][] asked =
        CleaningQueries.tomek(
            new AllNearestNeighbours.Index(points, NeighbourThreads.single()), classOf, 2);
    long[][] all = AllNearestNeighbours.of(points, 1, i -> true);
    int askedCount = 0;
    int outside = 0;
    for (int i = 0; i < rows.size(); i++) {
      if (classOf[i] == 1) {
        outside++;
        assertThat(asked[i]).isEqualTo(all[i]);
        assertThat(asked[(int) all[i][0]]).isEqualTo(all[(int) all[i][0]]);
      }
      if (asked[i] != null) {
        askedCount++;
        assertThat(asked[i]).isEqualTo(all[i]);
      }
    }
    assertThat(askedCount).isLessThanOrEqualTo(2 * outside).isLessThan(rows.size() / 4);
  }

  @Test
  void ennSettlesTheStayingPointsWithoutTheExactQuery() {
    List<LabeledVector> rows = clustered(2_000, 17, new double[] {0.94, 0.06}, 12);
    double[][] points = rows.stream().map(LabeledVector::features).toArray(double[][]::new);
    int[] classOf = rows.stream().mapToInt(r -> r.label().equals("c0") ? 0 : 1).toArray();
    boolean[] cleanable = {true, false};
    long[][] answers =
        CleaningQueries.editedNearestNeighbours(
            points,
            classOf,
            cleanable,
            3,
            new AllNearestNeighbours.Index(points, NeighbourThreads.single()));
    long[][] all = AllNearestNeighbours.of(points, 3, i -> true);
    int settled = 0;
    int exact = 0;
    for (int i = 0; i < rows.size(); i++) {
      if (classOf[i] == 1) {
        assertThat(answers[i]).isNull();
      } else if (answers[i] == CleaningQueries.ALL_OWN_CLASS) {
        settled++;
        for (long neighbour : all[i]) {
          assertThat(classOf[(int) neighbour]).isZero();
        }
      } else {
        exact++;
        assertThat(answers[i]).isEqualTo(all[i]);
      }
    }
    int removed = askingEveryPoint(rows, SamplingSpec.of(Method.ENN)).size();
    assertThat(removed).isPositive();
    assertThat(exact).isGreaterThanOrEqualTo(removed).isLessThan(settled / 4);
  }
}
