package io.streamtune.preprocess.sampling;

import io.streamtune.spec.SamplingSpec;
import io.streamtune.spec.SamplingSpec.Cleaning;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Resamples a finite batch of labelled vectors the way imbalanced-learn 0.10 does: random over- and
 * under-sampling and SMOTE to the {@link SamplingTargets}, Tomek links and edited nearest
 * neighbours removal ({@code auto}: every class but the minority), and SMOTE followed by cleaning
 * of every class (SMOTETomek, SMOTEENN). Classes are ordered by name, as imbalanced-learn does,
 * which decides ties between equally large classes. Neighbours come from {@link
 * AllNearestNeighbours} (a blocked scan in many dimensions, a k-d tree in few).
 *
 * <p>Output order: the kept input rows in input order, then the synthetic rows class by class.
 */
public final class BatchResampler {

  /** Why a row was left out. */
  public enum Reason {
    UNDER_SAMPLED,
    TOMEK_LINK,
    EDITED_NEAREST_NEIGHBOURS
  }

  /**
   * @param neighbourIds for a Tomek link, the partner; for edited nearest neighbours, the k
   *     neighbours that outvoted the row; empty for random under-sampling
   */
  public record Removal(LabeledVector row, Reason reason, List<String> neighbourIds) {
    public Removal {
      neighbourIds = List.copyOf(neighbourIds);
    }
  }

  /**
   * @param kept the rows to train on, synthetic ones included
   * @param removed the input (or synthetic) rows left out, each with its reason
   */
  public record Result(List<LabeledVector> kept, List<Removal> removed) {
    public Result {
      kept = List.copyOf(kept);
      removed = List.copyOf(removed);
    }

    /** Rows per label in {@link #kept}. */
    public Map<String, Long> keptCounts() {
      Map<String, Long> counts = new java.util.TreeMap<>();
      kept.forEach(row -> counts.merge(row.label(), 1L, Long::sum));
      return counts;
    }
  }

  private BatchResampler() {}

  /**
   * @throws IllegalArgumentException when rows differ in width, hold a non-finite value, repeat an
   *     id, or SMOTE has to grow a class of fewer than two rows
   */
  public static Result resample(List<LabeledVector> rows, SamplingSpec spec) {
    check(rows);
    SplitMix64 random = new SplitMix64(spec.seed());
    SamplingSpec.Method method = spec.method();
    List<LabeledVector> current = rows;
    List<Removal> removed = new ArrayList<>();
    if (method.overSampling()) {
      current = overSample(rows, spec, random);
    } else if (method.underSampling()) {
      current = underSample(rows, spec, random, removed);
    }
    if (method.cleaning() != Cleaning.NONE) {
      current = clean(current, spec, removed);
    }
    return new Result(current, removed);
  }

  private static void check(List<LabeledVector> rows) {
    if (rows.isEmpty()) {
      return;
    }
    int width = rows.get(0).features().length;
    Set<String> ids = new HashSet<>();
    for (LabeledVector row : rows) {
      if (row.features().length != width) {
        throw new IllegalArgumentException(
            "row '" + row.id() + "' has " + row.features().length + " features, expected " + width);
      }
      for (double value : row.features()) {
        if (!Double.isFinite(value)) {
          throw new IllegalArgumentException(
              "row '" + row.id() + "' has a non-finite feature " + value);
        }
      }
      if (!ids.add(row.id())) {
        throw new IllegalArgumentException("id '" + row.id() + "' occurs more than once");
      }
    }
  }

  /** Class names in imbalanced-learn's order (sorted) and, per class, the row positions. */
  private record Classes(List<String> names, List<List<Integer>> members) {
    static Classes of(List<LabeledVector> rows) {
      List<String> names =
          new ArrayList<>(new TreeSet<>(rows.stream().map(r -> r.label()).toList()));
      Map<String, Integer> index = new HashMap<>();
      List<List<Integer>> members = new ArrayList<>();
      for (String name : names) {
        index.put(name, members.size());
        members.add(new ArrayList<>());
      }
      for (int i = 0; i < rows.size(); i++) {
        members.get(index.get(rows.get(i).label())).add(i);
      }
      return new Classes(names, members);
    }

    long[] counts() {
      return members.stream().mapToLong(List::size).toArray();
    }

    int indexOf(String label) {
      return names.indexOf(label);
    }
  }

  private static List<LabeledVector> overSample(
      List<LabeledVector> rows, SamplingSpec spec, SplitMix64 random) {
    Classes classes = Classes.of(rows);
    long[] counts = classes.counts();
    long[] targets = new SamplingTargets(spec, classes.names()).overSampling(counts);
    List<LabeledVector> out = new ArrayList<>(rows);
    long sequence = 0;
    for (int c = 0; c < counts.length; c++) {
      long wanted = targets[c] - counts[c];
      if (wanted <= 0) {
        continue;
      }
      List<LabeledVector> members = classes.members().get(c).stream().map(rows::get).toList();
      if (spec.method().interpolating()) {
        sequence = smote(members, wanted, spec.kNeighbors(), random, sequence, out);
      } else {
        for (long n = 0; n < wanted; n++) {
          LabeledVector parent = members.get(random.nextInt(members.size()));
          out.add(
              new LabeledVector(
                  Synthesis.copyId(parent.id(), ++sequence),
                  parent.label(),
                  parent.features().clone(),
                  true,
                  List.of(parent.id())));
        }
      }
    }
    return out;
  }

  private static long smote(
      List<LabeledVector> members,
      long wanted,
      int kNeighbors,
      SplitMix64 random,
      long sequence,
      List<LabeledVector> out) {
    int n = members.size();
    if (n < 2) {
      throw new IllegalArgumentException(
          "SMOTE needs at least two rows of class '"
              + members.get(0).label()
              + "' to interpolate between, got "
              + n);
    }
    int k = Math.min(kNeighbors, n - 1);
    double[][] points = members.stream().map(LabeledVector::features).toArray(double[][]::new);
    long[][] neighbours = AllNearestNeighbours.of(points, k, i -> true);
    for (long s = 0; s < wanted; s++) {
      int parent = random.nextInt(n);
      int neighbour = (int) neighbours[parent][random.nextInt(k)];
      double step = random.nextDouble();
      LabeledVector from = members.get(parent);
      LabeledVector towards = members.get(neighbour);
      out.add(
          new LabeledVector(
              Synthesis.smoteId(from.id(), ++sequence),
              from.label(),
              Synthesis.interpolate(from.features(), towards.features(), step),
              true,
              List.of(from.id(), towards.id())));
    }
    return sequence;
  }

  private static List<LabeledVector> underSample(
      List<LabeledVector> rows, SamplingSpec spec, SplitMix64 random, List<Removal> removed) {
    Classes classes = Classes.of(rows);
    long[] counts = classes.counts();
    long[] targets = new SamplingTargets(spec, classes.names()).underSampling(counts);
    boolean[] keep = new boolean[rows.size()];
    for (int c = 0; c < counts.length; c++) {
      int[] members = classes.members().get(c).stream().mapToInt(Integer::intValue).toArray();
      // a partial Fisher-Yates shuffle: the first target[c] positions are a uniform sample
      for (int i = 0; i < targets[c]; i++) {
        int j = i + random.nextInt(members.length - i);
        int swap = members[i];
        members[i] = members[j];
        members[j] = swap;
        keep[members[i]] = true;
      }
    }
    List<LabeledVector> kept = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (keep[i]) {
        kept.add(rows.get(i));
      } else {
        removed.add(new Removal(rows.get(i), Reason.UNDER_SAMPLED, List.of()));
      }
    }
    return kept;
  }

  private static List<LabeledVector> clean(
      List<LabeledVector> rows, SamplingSpec spec, List<Removal> removed) {
    if (rows.size() < 2) {
      return rows;
    }
    Classes classes = Classes.of(rows);
    int[] classOf = new int[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      classOf[i] = classes.indexOf(rows.get(i).label());
    }
    boolean[] cleanable = new boolean[classes.names().size()];
    Arrays.fill(cleanable, true);
    if (!spec.method().cleansMinority()) {
      cleanable[SamplingTargets.minority(classes.counts())] = false;
    }
    double[][] points = rows.stream().map(LabeledVector::features).toArray(double[][]::new);
    // only the queries a verdict can depend on (CleaningQueries), each phase on every core
    boolean tomek = spec.method().cleaning() == Cleaning.TOMEK;
    int k = tomek ? 1 : spec.ennNeighbors();
    AllNearestNeighbours.Index index =
        new AllNearestNeighbours.Index(points, NeighbourThreads.configured());
    long[][] neighbours =
        tomek
            ? CleaningQueries.tomek(index, classOf, cleanable.length)
            : CleaningQueries.editedNearestNeighbours(points, classOf, cleanable, k, index);
    CleaningRules.Source source =
        new CleaningRules.Source() {
          @Override
          public long[] nearestTo(long key, int count) {
            long[] answer = neighbours[(int) key];
            if (tomek && answer == null && count == 1) {
              return new long[0]; // not asked: it cannot be in a link (CleaningQueries.tomek)
            }
            if (count != k || answer == null) {
              throw new IllegalStateException("no precomputed neighbours for row " + key);
            }
            return answer;
          }

          @Override
          public int classOf(long key) {
            return classOf[(int) key];
          }
        };
    List<LabeledVector> kept = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Removal removal = cleanable[classOf[i]] ? verdict(i, rows, spec, source) : null;
      if (removal == null) {
        kept.add(rows.get(i));
      } else {
        removed.add(removal);
      }
    }
    return kept;
  }

  private static Removal verdict(
      int row, List<LabeledVector> rows, SamplingSpec spec, CleaningRules.Source source) {
    if (spec.method().cleaning() == Cleaning.TOMEK) {
      long partner = CleaningRules.tomekPartner(row, source);
      return partner == CleaningRules.NO_LINK
          ? null
          : new Removal(rows.get(row), Reason.TOMEK_LINK, List.of(rows.get((int) partner).id()));
    }
    if (source.nearestTo(row, spec.ennNeighbors()) == CleaningQueries.ALL_OWN_CLASS) {
      return null;
    }
    long[] outvoted = CleaningRules.ennVerdict(row, spec.ennNeighbors(), source);
    if (outvoted == null) {
      return null;
    }
    List<String> ids = new ArrayList<>();
    for (long neighbour : outvoted) {
      ids.add(rows.get((int) neighbour).id());
    }
    return new Removal(rows.get(row), Reason.EDITED_NEAREST_NEIGHBOURS, ids);
  }
}
