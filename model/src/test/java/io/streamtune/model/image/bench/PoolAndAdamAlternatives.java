package io.streamtune.model.image.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Locale;

/**
 * Scratch A/B in one JVM (not a unit test) of two candidates for closing the 1-thread gap of
 * SmallCnn training to PyTorch 1.13 (docs/benchmarks.md): max pooling as reshape + max (no pooling
 * kernel) against {@code maxPool2d}, forward and backward on SmallCnn's two pooling inputs; and
 * DJL's Adam (native update) against the same rule in in-place NDArray operations, on SmallCnn's
 * parameter shapes. Each pair alternates; the weights of both optimizers are compared at the end.
 *
 * <pre>java ... PoolAndAdamAlternatives [repeats]</pre>
 */
public final class PoolAndAdamAlternatives {

  private static final Shape[] POOL_INPUTS = {new Shape(64, 32, 28, 28), new Shape(64, 64, 14, 14)};
  private static final Shape[] PARAMETERS = {
    new Shape(32, 1, 3, 3),
    new Shape(32),
    new Shape(64, 32, 3, 3),
    new Shape(64),
    new Shape(128, 3136),
    new Shape(128),
    new Shape(10, 128),
    new Shape(10)
  };

  public static void main(String[] args) {
    int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    try (NDManager manager = NDManager.newBaseManager()) {
      for (int r = 0; r < repeats; r++) {
        for (Shape shape : POOL_INPUTS) {
          pooling(manager, shape, 30);
        }
        adam(manager, 100);
      }
    }
  }

  private static void pooling(NDManager manager, Shape shape, int n) {
    long kernel = 0;
    long reshape = 0;
    for (int i = 0; i < n; i++) {
      try (NDManager step = manager.newSubManager()) {
        NDArray x = step.randomNormal(shape).maximum(0f);
        NDArray y = x.duplicate();
        x.setRequiresGradient(true);
        y.setRequiresGradient(true);
        long start = System.nanoTime();
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDArray out = Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
          collector.backward(out.sum());
        }
        kernel += System.nanoTime() - start;
        start = System.nanoTime();
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          // PyTorch's max over one axis at a time (DJL takes one axis): width pairs, then heights
          NDArray out =
              y.reshape(shape.get(0), shape.get(1), shape.get(2) / 2, 2, shape.get(3) / 2, 2)
                  .max(new int[] {5})
                  .max(new int[] {3});
          collector.backward(out.sum());
        }
        reshape += System.nanoTime() - start;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "pool %s forward+backward: maxPool2d %.2f ms, reshape+max %.2f ms%n",
        shape,
        kernel / 1e6 / n,
        reshape / 1e6 / n);
  }

  private static Optimizer djlAdam;
  private static InPlace inPlace;
  private static NDArray[] djlWeights;
  private static NDArray[] inPlaceWeights;
  private static NDArray[] gradients;

  private static void adam(NDManager manager, int steps) {
    if (djlAdam == null) {
      djlAdam =
          Optimizer.adam()
              .optLearningRateTracker(Tracker.fixed(0.001f))
              .optWeightDecays(1e-4f)
              .build();
      inPlace = new InPlace(0.001f, 1e-4f);
      djlWeights = new NDArray[PARAMETERS.length];
      inPlaceWeights = new NDArray[PARAMETERS.length];
      gradients = new NDArray[PARAMETERS.length];
      for (int i = 0; i < PARAMETERS.length; i++) {
        djlWeights[i] = manager.randomNormal(PARAMETERS[i]);
        inPlaceWeights[i] = djlWeights[i].duplicate();
        gradients[i] = manager.randomNormal(PARAMETERS[i]).muli(0.01f);
      }
    }
    long djl = 0;
    long mine = 0;
    for (int s = 0; s < steps; s++) {
      long start = System.nanoTime();
      for (int i = 0; i < PARAMETERS.length; i++) {
        // the parameter server hands the optimizer a copy of the gradient
        try (NDArray gradient = gradients[i].duplicate()) {
          inPlace.update("p" + i, inPlaceWeights[i], gradient);
        }
      }
      mine += System.nanoTime() - start;
      start = System.nanoTime();
      for (int i = 0; i < PARAMETERS.length; i++) {
        try (NDArray gradient = gradients[i].duplicate()) {
          djlAdam.update("p" + i, djlWeights[i], gradient);
        }
      }
      djl += System.nanoTime() - start;
    }
    float difference = 0;
    for (int i = 0; i < PARAMETERS.length; i++) {
      try (NDArray d = djlWeights[i].sub(inPlaceWeights[i]).abs().max()) {
        difference = Math.max(difference, d.getFloat());
      }
    }
    System.out.printf(
        Locale.ROOT,
        "adam step over SmallCnn's 8 parameters: DJL %.3f ms, in-place ops %.3f ms;"
            + " max |weight difference| %.1e%n",
        djl / 1e6 / steps,
        mine / 1e6 / steps,
        difference);
  }

  /** DJL's Adam rule (L2 decay in the gradient, bias-corrected step) in in-place operations. */
  private static final class InPlace {
    private final float rate;
    private final float decay;
    private final java.util.Map<String, NDArray[]> state = new java.util.HashMap<>();
    private final java.util.Map<String, Integer> counts = new java.util.HashMap<>();

    InPlace(float rate, float decay) {
      this.rate = rate;
      this.decay = decay;
    }

    void update(String id, NDArray weight, NDArray grad) {
      int t = counts.merge(id, 1, Integer::sum);
      float beta1 = 0.9f;
      float beta2 = 0.999f;
      float step = (float) (rate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
      NDArray[] mv =
          state.computeIfAbsent(id, k -> new NDArray[] {weight.zerosLike(), weight.zerosLike()});
      try (NDManager scratch = weight.getManager().newSubManager()) {
        NDArray g = weight.mul(decay);
        g.attach(scratch);
        g.addi(grad);
        NDArray scaled = g.mul(1 - beta1);
        scaled.attach(scratch);
        mv[0].muli(beta1).addi(scaled);
        NDArray squared = g.square();
        squared.attach(scratch);
        mv[1].muli(beta2).addi(squared.muli(1 - beta2));
        NDArray denominator = mv[1].sqrt();
        denominator.attach(scratch);
        NDArray change = mv[0].mul(step);
        change.attach(scratch);
        weight.subi(change.divi(denominator.addi(1e-8f)));
      }
    }
  }
}
