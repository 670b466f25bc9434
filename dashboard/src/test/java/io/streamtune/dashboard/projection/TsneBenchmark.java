package io.streamtune.dashboard.projection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Java side of bench/tsne_bench.sh: t-SNE with the default options on the CSV that
 * bench/tsne_sklearn.py wrote (label, then features, no header), R times for each Barnes-Hut angle
 * θ asked (0 = exact repulsion), one line per run. Not a test; run by the script with the module's
 * test classpath.
 */
public final class TsneBenchmark {

  private TsneBenchmark() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: TsneBenchmark INPUT.csv [repeats] [theta,theta...]");
      System.exit(2);
    }
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String[] thetas = (args.length > 2 ? args[2] : "0.5,0").split(",");
    List<String> lines = Files.readAllLines(Path.of(args[0]));
    double[][] x = new double[lines.size()][];
    for (int i = 0; i < x.length; i++) {
      String[] cells = lines.get(i).split(",");
      x[i] = new double[cells.length - 1];
      for (int j = 1; j < cells.length; j++) {
        x[i][j - 1] = Double.parseDouble(cells[j]);
      }
    }
    for (String theta : thetas) {
      TsneOptions options = TsneOptions.defaults().withTheta(Double.parseDouble(theta));
      for (int run = 1; run <= repeats; run++) {
        long start = System.nanoTime();
        Tsne.Result result = Tsne.embed(x, options);
        double seconds = (System.nanoTime() - start) / 1e9;
        double trust = Trustworthiness.of(x, result.embedding());
        System.out.printf(
            "java theta %s run %d: %.2f s, trustworthiness(k=5) %.4f, KL %.4f, %d iterations%n",
            theta, run, seconds, trust, result.klDivergence(), result.iterations());
      }
    }
  }
}
