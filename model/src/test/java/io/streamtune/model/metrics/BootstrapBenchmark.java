package io.streamtune.model.metrics;

import java.util.Random;

/**
 * Time of the evaluator's bootstraps per holdout size (docs/benchmarks.md, issue 18); not a test.
 */
public final class BootstrapBenchmark {
  private BootstrapBenchmark() {}

  public static void main(String[] args) {
    for (int n : new int[] {1_000, 10_000, 100_000}) {
      Random r = new Random(1);
      int[] y = new int[n], p = new int[n], q = new int[n];
      for (int i = 0; i < n; i++) {
        y[i] = r.nextInt(3);
        p[i] = r.nextDouble() < 0.8 ? y[i] : (y[i] + 1) % 3;
        q[i] = r.nextDouble() < 0.8 ? y[i] : (y[i] + 2) % 3;
      }
      for (int rep = 0; rep < 3; rep++) {
        long t0 = System.nanoTime();
        Bootstrap b = new Bootstrap(1000, 42);
        b.accuracy(y, p, 0.95);
        long t1 = System.nanoTime();
        b.macroF1(y, p, 3, 0.95);
        long t2 = System.nanoTime();
        PairedTests.bootstrapMacroF1(y, p, q, 3, 1000, 42, 0.95);
        long t3 = System.nanoTime();
        if (rep == 2)
          System.out.printf(
              "n=%,d: accuracy interval %.0f ms, macro-F1 interval %.0f ms, paired bootstrap %.0f ms%n",
              n, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
      }
    }
  }
}
