package io.streamtune.preprocess.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.preprocess.sampling.BatchResampler.Result;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.SamplingSpec;
import io.streamtune.spec.SamplingSpec.Method;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StreamingResamplerTest {

  static final List<String> CLASSES = List.of("good", "bad");

  private static List<LabeledVector> lendingClub;

  @BeforeAll
  static void load() {
    lendingClub = Golden.lendingClub();
  }

  /** The golden rows as float examples, and the same floats back as batch rows. */
  static Example example(LabeledVector row) {
    List<Float> features = new ArrayList<>();
    for (double value : row.features()) {
      features.add((float) value);
    }
    return Example.newBuilder()
        .setId(row.id())
        .setSourceId(row.id())
        .setEventTime(Instant.ofEpochMilli(1_000))
        .setSplit(Split.TRAIN)
        .setLabel(row.label())
        .setLabelIndex(CLASSES.indexOf(row.label()))
        .setFeatures(features)
        .setTransformVersion(3)
        .setAugmentedFrom(null)
        .setSynthetic(false)
        .setParentIds(List.of())
        .build();
  }

  static LabeledVector row(Example example) {
    double[] features = new double[example.getFeatures().size()];
    for (int i = 0; i < features.length; i++) {
      features[i] = example.getFeatures().get(i);
    }
    return new LabeledVector(
        example.getId(),
        example.getLabel(),
        features,
        example.getSynthetic(),
        example.getParentIds());
  }

  private static List<Example> examples(int count) {
    return lendingClub.subList(0, count).stream().map(StreamingResamplerTest::example).toList();
  }

  /** Runs the stream through one resampler and state, flushing at the end. */
  static List<Example> run(StreamingResampler resampler, ResamplerState state, List<Example> in) {
    List<Example> out = new ArrayList<>();
    for (Example example : in) {
      resampler.accept(example, state, out::add);
    }
    resampler.flush(state, out::add);
    return out;
  }

  private static Map<String, Long> counts(List<Example> examples) {
    Map<String, Long> counts = new HashMap<>();
    examples.forEach(e -> counts.merge(e.getLabel(), 1L, Long::sum));
    return counts;
  }

  @Test
  void smoteKeepsTheStreamBalancedAllAlongAndInterpolatesBetweenEarlierNeighbours() {
    SamplingSpec spec = SamplingSpec.of(Method.SMOTE).withStreaming(100_000, 2, 1);
    StreamingResampler resampler = new StreamingResampler(spec, CLASSES);
    ResamplerState state = resampler.emptyState();
    List<Example> in = examples(3000);

    List<Example> out = new ArrayList<>();
    Map<String, Example> seenBad = new HashMap<>();
    long good = 0;
    long bad = 0;
    long excess = 0;
    for (Example example : in) {
      // originals are never dropped: bad ones that arrive above target stay as an excess until
      // enough good ones have arrived
      excess = Math.max(0, excess + (example.getLabel().equals("bad") ? 1 : -1));
      if (example.getLabel().equals("bad")) {
        seenBad.put(example.getId(), example); // it may be a parent of what it triggers
      }
      List<Example> emitted = new ArrayList<>();
      resampler.accept(example, state, emitted::add);
      for (Example e : emitted) {
        if (e.getLabel().equals("good")) {
          good++;
        } else {
          bad++;
        }
        if (e.getSynthetic()) {
          Example parent = seenBad.get(e.getParentIds().get(0));
          Example neighbour = seenBad.get(e.getParentIds().get(1));
          assertThat(parent).isNotNull();
          assertThat(neighbour).isNotNull();
          assertThat(e.getId()).startsWith(parent.getId() + "#smote-");
          assertThat(e.getAugmentedFrom()).isEqualTo(parent.getId());
          assertThat(e.getSourceId()).isEqualTo(parent.getSourceId());
          assertThat(e.getTransformVersion()).isEqualTo(3);
          assertThat(e.getSplit()).isEqualTo(Split.TRAIN);
          // the reservoir holds every bad example so far: the neighbour is one of the 5 nearest
          assertThat(nearest(parent, seenBad.values(), 5)).contains(neighbour.getId());
          assertOnSegment(e, parent, neighbour);
        }
      }
      out.addAll(emitted);
      boolean sixthBad = seenBad.size() == 6 && example.getLabel().equals("bad");
      if (seenBad.size() < 6 || sixthBad) {
        excess = 0; // SMOTE waits for k+1 = 6 parents, then tops up the backlog at once
      }
      if (seenBad.size() >= 6) {
        assertThat(bad).isEqualTo(good + excess);
      }
    }
    resampler.flush(state, out::add);

    long originals = out.stream().filter(e -> !e.getSynthetic()).count();
    assertThat(originals).isEqualTo(in.size());
    assertThat(out.stream().map(Example::getId)).doesNotHaveDuplicates();
    assertThat(counts(out).get("bad")).isEqualTo(counts(in).get("good") + excess);
  }

  @Test
  void aRatioTargetHoldsOnTheStream() {
    SamplingSpec spec = SamplingSpec.of(Method.RANDOM_OVER).withTarget("1:2");
    StreamingResampler resampler = new StreamingResampler(spec, CLASSES);

    List<Example> out = run(resampler, resampler.emptyState(), examples(4000));

    // bad examples arriving after the last top-up may overshoot by a few
    Map<String, Long> counts = counts(out);
    double badShare = counts.get("bad") / (double) out.size();
    assertThat(badShare).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(0.001));
    assertThat(counts.get("bad")).isGreaterThanOrEqualTo(counts.get("good") / 2);
    out.stream()
        .filter(Example::getSynthetic)
        .forEach(copy -> assertThat(copy.getId()).contains("#over-"));
  }

  @Test
  void underSamplingLetsThroughWhatTheRunningCountsAllow() {
    StreamingResampler resampler =
        new StreamingResampler(SamplingSpec.of(Method.RANDOM_UNDER), CLASSES);
    ResamplerState state = resampler.emptyState();
    List<Example> in = examples(5000);

    List<Example> out = new ArrayList<>();
    long good = 0;
    long badSeen = 0;
    long goodSeen = 0;
    long passedBeforeFirstBad = 0;
    for (Example example : in) {
      List<Example> emitted = new ArrayList<>();
      resampler.accept(example, state, emitted::add);
      if (example.getLabel().equals("bad")) {
        badSeen++;
        if (badSeen <= goodSeen) {
          assertThat(emitted).containsExactly(example); // the minority always passes
        }
      } else {
        goodSeen++;
        good += emitted.size();
      }
      if (badSeen == 0) {
        assertThat(good).isEqualTo(goodSeen); // one class alone: nothing to balance yet
        passedBeforeFirstBad = good;
      } else {
        assertThat(good).isLessThanOrEqualTo(Math.max(badSeen, passedBeforeFirstBad));
      }
      out.addAll(emitted);
    }

    Map<String, Long> counts = counts(out);
    assertThat(counts.get("good")).isEqualTo(counts.get("bad")).isEqualTo(badSeen);
    assertThat(state.getRemoved()[0]).isEqualTo(counts(in).get("good") - badSeen);
    assertThat(out).noneMatch(Example::getSynthetic);
  }

  @Test
  void withAWindowAsLargeAsTheStreamCleaningEqualsTheBatchResult() {
    List<Example> in = examples(2500);
    List<LabeledVector> rows = in.stream().map(StreamingResamplerTest::row).toList();
    for (Method method : new Method[] {Method.TOMEK, Method.ENN}) {
      SamplingSpec spec = SamplingSpec.of(method).withStreaming(10, 5000, 1);
      StreamingResampler resampler = new StreamingResampler(spec, CLASSES);
      ResamplerState state = resampler.emptyState();

      List<Example> out = run(resampler, state, in);

      Result batch = BatchResampler.resample(rows, SamplingSpec.of(method));
      assertThat(batch.removed()).isNotEmpty();
      assertThat(out.stream().map(Example::getId).toList())
          .as(method.toString())
          .isEqualTo(batch.kept().stream().map(LabeledVector::id).toList());
      assertThat(state.getRemoved()[0]).isEqualTo(batch.removed().size());
    }
  }

  @Test
  void smoteThenCleaningRemovesFromBothClassesWhatBatchCleaningWould() {
    List<Example> in = examples(2000);
    SamplingSpec smoteOnly = SamplingSpec.of(Method.SMOTE);
    StreamingResampler smote = new StreamingResampler(smoteOnly, CLASSES);
    List<Example> smoted = run(smote, smote.emptyState(), in);

    SamplingSpec spec = SamplingSpec.of(Method.SMOTE_ENN).withStreaming(10_000, 100_000, 1);
    StreamingResampler smoteEnn = new StreamingResampler(spec, CLASSES);
    List<Example> out = run(smoteEnn, smoteEnn.emptyState(), in);

    // the SMOTE output is balanced, so the batch SMOTE_ENN adds nothing and cleans every class
    Result batch =
        BatchResampler.resample(
            smoted.stream().map(StreamingResamplerTest::row).toList(),
            SamplingSpec.of(Method.SMOTE_ENN));
    assertThat(out.stream().map(Example::getId).toList())
        .isEqualTo(batch.kept().stream().map(LabeledVector::id).toList());
    assertThat(batch.removed()).extracting(r -> r.row().label()).contains("good", "bad");
  }

  @Test
  void aSmallWindowDelaysByHalfAWindowAndFlushDecidesTheRest() {
    SamplingSpec spec = SamplingSpec.of(Method.TOMEK).withStreaming(10, 40, 1);
    StreamingResampler resampler = new StreamingResampler(spec, CLASSES);
    ResamplerState state = resampler.emptyState();
    List<Example> in = examples(1000);

    List<Example> out = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      resampler.accept(in.get(i), state, out::add);
      assertThat(state.getPending()).isEqualTo(Math.min(i + 1, 20));
      assertThat(state.getWindow()).hasSize(Math.min(i + 1, 40));
      assertThat(out.size() + state.getRemoved()[0]).isEqualTo(Math.max(0, i + 1 - 20));
    }
    resampler.flush(state, out::add);

    assertThat(state.getPending()).isZero();
    assertThat(out.size() + state.getRemoved()[0]).isEqualTo(in.size());
    assertThat(state.getRemoved()[0]).isPositive();
    assertThat(state.getRemoved()[1]).isZero(); // the minority is spared
    // decided in arrival order
    List<String> order = in.stream().map(Example::getId).toList();
    List<Integer> positions = out.stream().map(e -> order.indexOf(e.getId())).toList();
    assertThat(positions).isSorted();
  }

  @Test
  void stateStaysBounded() {
    SamplingSpec spec = SamplingSpec.of(Method.SMOTE_TOMEK).withStreaming(50, 30, 1);
    StreamingResampler resampler = new StreamingResampler(spec, CLASSES);
    ResamplerState state = resampler.emptyState();

    run(resampler, state, examples(4000));

    Map<Integer, Long> perClass = new HashMap<>();
    state
        .getReservoir()
        .forEach(h -> perClass.merge(h.getExample().getLabelIndex(), 1L, Long::sum));
    assertThat(perClass).containsEntry(0, 50L).containsEntry(1, 50L);
    assertThat(state.getWindow()).hasSize(30);
    assertThat(state.getSeen()[0] + state.getSeen()[1]).isEqualTo(4000);
    // the reservoir is a sample of the whole stream, not just its start
    Set<String> ids = new HashSet<>();
    state.getReservoir().forEach(h -> ids.add(h.getExample().getId()));
    assertThat(ids.stream().mapToInt(id -> Integer.parseInt(id.substring(3))).max().getAsInt())
        .isGreaterThan(2000);
  }

  @Test
  void theSameStreamAndSeedGiveTheSameOutput() {
    List<Example> in = examples(1500);
    for (Method method : Method.values()) {
      SamplingSpec spec = SamplingSpec.of(method).withStreaming(100, 60, 1);
      StreamingResampler first = new StreamingResampler(spec, CLASSES);
      StreamingResampler second = new StreamingResampler(spec, CLASSES);
      assertThat(run(second, second.emptyState(), in))
          .as(method.toString())
          .isEqualTo(run(first, first.emptyState(), in));
    }
    SamplingSpec smote = SamplingSpec.of(Method.SMOTE);
    StreamingResampler a = new StreamingResampler(smote, CLASSES);
    StreamingResampler b = new StreamingResampler(smote.withSeed(9), CLASSES);
    assertThat(run(a, a.emptyState(), in)).isNotEqualTo(run(b, b.emptyState(), in));
  }

  @Test
  void rejectsWhatIsNotATrainingExampleOfAKnownClass() {
    StreamingResampler resampler = new StreamingResampler(SamplingSpec.of(Method.SMOTE), CLASSES);
    ResamplerState state = resampler.emptyState();
    Example holdout = example(lendingClub.get(0));
    holdout.setSplit(Split.HOLDOUT);
    assertThatThrownBy(() -> resampler.accept(holdout, state, e -> {}))
        .hasMessageContaining("only TRAIN");
    Example unknown = example(lendingClub.get(0));
    unknown.setLabelIndex(5);
    assertThatThrownBy(() -> resampler.accept(unknown, state, e -> {}))
        .hasMessageContaining("label index 5");
  }

  private static Set<String> nearest(Example parent, java.util.Collection<Example> pool, int k) {
    double[] p = row(parent).features();
    return pool.stream()
        .filter(e -> e != parent)
        .sorted(
            java.util.Comparator.comparingDouble(
                (Example e) -> KdTreeTest.squaredDistance(row(e).features(), p)))
        .limit(k)
        .map(Example::getId)
        .collect(java.util.stream.Collectors.toSet());
  }

  private static void assertOnSegment(Example point, Example parent, Example neighbour) {
    double[] s = row(point).features();
    double[] p = row(parent).features();
    double[] q = row(neighbour).features();
    int widest = 0;
    for (int d = 0; d < p.length; d++) {
      if (Math.abs(q[d] - p[d]) > Math.abs(q[widest] - p[widest])) {
        widest = d;
      }
    }
    double u = (s[widest] - p[widest]) / (q[widest] - p[widest]);
    assertThat(u).isBetween(-1e-6, 1 + 1e-6);
    for (int d = 0; d < p.length; d++) {
      // floats: within a few ulps of the feature's magnitude
      assertThat(s[d])
          .isCloseTo(
              p[d] + u * (q[d] - p[d]),
              org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(p[d]) + Math.abs(q[d]))));
    }
  }
}
