package io.streamtune.preprocess.sampling;

import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.SamplingSpec;
import io.streamtune.spec.SamplingSpec.Cleaning;
import io.streamtune.spec.SamplingSpec.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Rebalances a stream of training examples, one at a time, with bounded memory (the Flink operator
 * only hands it examples and keeps its {@link ResamplerState}). docs/sampling.md describes the
 * semantics; in short:
 *
 * <ul>
 *   <li>Over-sampling (random, SMOTE): every class keeps a reservoir (uniform sample of all its
 *       examples so far, at most {@code reservoirSize}). After each example, every class below its
 *       target — computed by {@link SamplingTargets} from the running counts — is topped up with
 *       copies or SMOTE points of uniformly drawn reservoir members, so the emitted class ratio
 *       stays on target all along. SMOTE waits until a class has k+1 examples.
 *   <li>Under-sampling: an example is let through iff its class has been let through fewer times
 *       than its target from the running counts.
 *   <li>Cleaning (Tomek links, edited nearest neighbours): the examples (after SMOTE, if any) pass
 *       a window of the last {@code cleaningWindow}; each is decided once half a window of newer
 *       ones has arrived, against the whole window, or when the stream has gone quiet ({@link
 *       #flush}).
 * </ul>
 *
 * The same input in the same order with the same seed gives the same output, also across a restore
 * from a snapshot of the state.
 */
public final class StreamingResampler {

  private final SamplingSpec spec;
  private final Method method;
  private final int classCount;
  private final SamplingTargets targets;

  /** Neighbour indexes over one state object; rebuilt when Flink hands over another. */
  private ResamplerState indexedState;

  private NeighbourIndex[] reservoirIndexes;
  private List<List<Integer>> reservoirSlots;
  private Map<Long, Integer> reservoirSlotByKey;
  private NeighbourIndex windowIndex;
  private Map<Long, Integer> windowClasses;
  private int dims = -1;
  private int indexedDims = -1;

  /**
   * @param classes the label's classes in label-index order
   */
  public StreamingResampler(SamplingSpec spec, List<String> classes) {
    this.spec = spec;
    this.method = spec.method();
    this.classCount = classes.size();
    this.targets = new SamplingTargets(spec, classes);
  }

  public ResamplerState emptyState() {
    return ResamplerState.empty(classCount, spec.seed());
  }

  /** Whether examples can wait in the cleaning window (the operator then arms an idle flush). */
  public boolean holdsExamples() {
    return method.cleaning() != Cleaning.NONE;
  }

  /** Takes one training example; emits what is decided, in order. */
  public void accept(Example example, ResamplerState state, Consumer<Example> out) {
    if (example.getSplit() != Split.TRAIN) {
      throw new IllegalArgumentException(
          "example " + example.getId() + " is " + example.getSplit() + "; only TRAIN is resampled");
    }
    int label = example.getLabelIndex();
    if (label < 0 || label >= classCount) {
      throw new IllegalArgumentException(
          "example " + example.getId() + " has label index " + label + " of " + classCount);
    }
    checkWidth(example);
    attach(state);
    long key = nextKey(state);
    state.getSeen()[label]++;
    if (method.underSampling()) {
      long[] target = targets.underSampling(state.getSeen());
      if (state.getPassed()[label] < target[label]) {
        state.getPassed()[label]++;
        out.accept(example);
      } else {
        state.getRemoved()[label]++;
      }
      return;
    }
    if (method.overSampling()) {
      offerToReservoir(key, example, state);
      toCleaning(key, example, state, out);
      topUp(example, state, out);
      return;
    }
    toCleaning(key, example, state, out);
  }

  /** Decides every example still waiting in the cleaning window. */
  public void flush(ResamplerState state, Consumer<Example> out) {
    attach(state);
    while (state.getPending() > 0) {
      decideOldestPending(state, out);
    }
  }

  private static long nextKey(ResamplerState state) {
    long key = state.getLastKey() + 1;
    state.setLastKey(key);
    return key;
  }

  private void checkWidth(Example example) {
    int width = example.getFeatures().size();
    if (dims < 0) {
      dims = width;
    } else if (width != dims) {
      throw new IllegalArgumentException(
          "example " + example.getId() + " has " + width + " features, expected " + dims);
    }
  }

  // ---- over-sampling ----

  /** Algorithm R per class: the reservoir is a uniform sample of every example of the class. */
  private void offerToReservoir(long key, Example example, ResamplerState state) {
    int label = example.getLabelIndex();
    List<Integer> slots = reservoirSlots.get(label);
    HeldExample held = new HeldExample(key, example);
    if (slots.size() < spec.reservoirSize()) {
      reservoirSlotByKey.put(key, state.getReservoir().size());
      slots.add(state.getReservoir().size());
      state.getReservoir().add(held);
      reservoirIndexes[label].add(key, vector(example));
      return;
    }
    SplitMix64 random = new SplitMix64(state.getRandom());
    long draw = random.nextLong(state.getSeen()[label]);
    state.setRandom(random.state());
    if (draw < slots.size()) {
      int slot = slots.get((int) draw);
      HeldExample replaced = state.getReservoir().set(slot, held);
      reservoirIndexes[label].remove(replaced.getKey());
      reservoirSlotByKey.remove(replaced.getKey());
      reservoirSlotByKey.put(key, slot);
      reservoirIndexes[label].add(key, vector(example));
    }
  }

  private void topUp(Example trigger, ResamplerState state, Consumer<Example> out) {
    long[] target = targets.overSampling(state.getSeen());
    int needed = method.interpolating() ? spec.kNeighbors() + 1 : 1;
    for (int label = 0; label < classCount; label++) {
      long deficit = target[label] - state.getSeen()[label] - state.getGenerated()[label];
      if (deficit <= 0 || reservoirSlots.get(label).size() < needed) {
        continue;
      }
      for (long n = 0; n < deficit; n++) {
        Example synthetic = synthesize(label, trigger, state);
        state.getGenerated()[label]++;
        toCleaning(nextKey(state), synthetic, state, out);
      }
    }
  }

  private Example synthesize(int label, Example trigger, ResamplerState state) {
    SplitMix64 random = new SplitMix64(state.getRandom());
    List<Integer> slots = reservoirSlots.get(label);
    HeldExample parent = state.getReservoir().get(slots.get(random.nextInt(slots.size())));
    Example from = parent.getExample();
    long number = state.getSyntheticCount() + 1;
    state.setSyntheticCount(number);
    // a fresh builder, not newBuilder(from): that deep-copies through Avro's class checks
    Example.Builder synthetic =
        Example.newBuilder()
            .setSourceId(from.getSourceId())
            .setEventTime(trigger.getEventTime())
            .setSplit(from.getSplit())
            .setLabel(from.getLabel())
            .setLabelIndex(from.getLabelIndex())
            .setTransformVersion(from.getTransformVersion())
            .setAugmentedFrom(from.getId())
            .setSynthetic(true);
    if (method.interpolating()) {
      long[] nearest = reservoirIndexes[label].nearestTo(parent.getKey(), spec.kNeighbors());
      long neighbourKey = nearest[random.nextInt(nearest.length)];
      double step = random.nextDouble();
      double[] point =
          Synthesis.interpolate(
              reservoirIndexes[label].vector(parent.getKey()),
              reservoirIndexes[label].vector(neighbourKey),
              step);
      Example neighbour =
          state.getReservoir().get(reservoirSlotByKey.get(neighbourKey)).getExample();
      synthetic
          .setId(Synthesis.smoteId(from.getId(), number))
          .setFeatures(floats(point))
          .setParentIds(List.of(from.getId(), neighbour.getId()));
    } else {
      synthetic
          .setId(Synthesis.copyId(from.getId(), number))
          .setFeatures(new ArrayList<>(from.getFeatures()))
          .setParentIds(List.of(from.getId()));
    }
    state.setRandom(random.state());
    return synthetic.build();
  }

  // ---- cleaning ----

  private void toCleaning(long key, Example example, ResamplerState state, Consumer<Example> out) {
    if (method.cleaning() == Cleaning.NONE) {
      out.accept(example);
      return;
    }
    state.getWindow().add(new HeldExample(key, example));
    windowIndex.add(key, vector(example));
    windowClasses.put(key, example.getLabelIndex());
    state.setPending(state.getPending() + 1);
    while (state.getPending() > spec.cleaningWindow() / 2) {
      decideOldestPending(state, out);
    }
    List<HeldExample> window = state.getWindow();
    int excess = window.size() - spec.cleaningWindow();
    if (excess > 0) {
      List<HeldExample> evicted = window.subList(0, excess);
      for (HeldExample old : evicted) {
        windowIndex.remove(old.getKey());
        windowClasses.remove(old.getKey());
      }
      evicted.clear();
    }
  }

  private void decideOldestPending(ResamplerState state, Consumer<Example> out) {
    List<HeldExample> window = state.getWindow();
    HeldExample held = window.get(window.size() - state.getPending());
    state.setPending(state.getPending() - 1);
    int label = held.getExample().getLabelIndex();
    boolean cleanable =
        method.cleansMinority() || label != SamplingTargets.minority(state.getSeen());
    if (cleanable && isNoise(held.getKey())) {
      state.getRemoved()[label]++;
    } else {
      out.accept(held.getExample());
    }
  }

  private boolean isNoise(long key) {
    CleaningRules.Source source =
        new CleaningRules.Source() {
          @Override
          public long[] nearestTo(long of, int k) {
            return windowIndex.nearestTo(of, k);
          }

          @Override
          public int classOf(long of) {
            return windowClasses.get(of);
          }
        };
    if (method.cleaning() == Cleaning.TOMEK) {
      return CleaningRules.tomekPartner(key, source) != CleaningRules.NO_LINK;
    }
    return CleaningRules.ennVerdict(key, spec.ennNeighbors(), source) != null;
  }

  // ---- the indexes over the state ----

  /** Builds the neighbour indexes for {@code state} unless they already mirror it. */
  private void attach(ResamplerState state) {
    int width = dims < 0 ? firstWidth(state) : dims;
    if (state == indexedState && width == indexedDims) {
      return;
    }
    reservoirIndexes = new NeighbourIndex[classCount];
    reservoirSlots = new ArrayList<>();
    reservoirSlotByKey = new HashMap<>();
    for (int label = 0; label < classCount; label++) {
      reservoirIndexes[label] = new NeighbourIndex(Math.max(width, 0));
      reservoirSlots.add(new ArrayList<>());
    }
    windowIndex = new NeighbourIndex(Math.max(width, 0));
    windowClasses = new HashMap<>();
    if (width >= 0) {
      dims = width;
      List<HeldExample> reservoir = state.getReservoir();
      for (int slot = 0; slot < reservoir.size(); slot++) {
        HeldExample held = reservoir.get(slot);
        int label = held.getExample().getLabelIndex();
        reservoirSlots.get(label).add(slot);
        reservoirSlotByKey.put(held.getKey(), slot);
        reservoirIndexes[label].add(held.getKey(), vector(held.getExample()));
      }
      for (HeldExample held : state.getWindow()) {
        windowIndex.add(held.getKey(), vector(held.getExample()));
        windowClasses.put(held.getKey(), held.getExample().getLabelIndex());
      }
    }
    indexedState = state;
    indexedDims = width;
  }

  /** Width of the first held example; the width of the next arrival when nothing is held. */
  private int firstWidth(ResamplerState state) {
    if (!state.getReservoir().isEmpty()) {
      return state.getReservoir().get(0).getExample().getFeatures().size();
    }
    if (!state.getWindow().isEmpty()) {
      return state.getWindow().get(0).getExample().getFeatures().size();
    }
    return -1;
  }

  private static double[] vector(Example example) {
    List<Float> features = example.getFeatures();
    double[] vector = new double[features.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = features.get(i);
    }
    return vector;
  }

  private static List<Float> floats(double[] point) {
    List<Float> features = new ArrayList<>(point.length);
    for (double value : point) {
      features.add((float) value);
    }
    return features;
  }
}
