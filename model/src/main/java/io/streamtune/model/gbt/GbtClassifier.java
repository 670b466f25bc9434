package io.streamtune.model.gbt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * A gradient-boosted tree ensemble (an XGBoost booster) that gives class probabilities for tabular
 * rows. Two classes: one logistic tree per iteration, probabilities {@code [1 - p, p]}; more: one
 * softmax tree per class per iteration.
 *
 * <p>Stored as {@value #BOOSTER_FILE} (XGBoost's own UBJSON format, which keeps every split and
 * leaf exactly) beside the version's metadata; the iterations to score with (the best one when the
 * round stopped early) are the booster's attribute {@value #ITERATIONS_ATTRIBUTE}, so the file
 * alone scores as trained.
 *
 * <p>The booster lives in native memory: {@link #close} frees it (once; later calls do nothing),
 * and scoring after that is an {@link IllegalStateException}, not a crash in native code. Scoring
 * and closing hold this object's lock, as {@code StoredModel} does for the MLP.
 */
public final class GbtClassifier implements AutoCloseable {

  /** The architecture string of a gbt version (its metadata). */
  public static final String ARCHITECTURE = "gbt";

  public static final String BOOSTER_FILE = "booster.ubj";

  /** Booster attribute: how many boosting iterations score (the rest came after the best one). */
  static final String ITERATIONS_ATTRIBUTE = "streamtune_iterations";

  private static final AtomicInteger LIVE_BOOSTERS = new AtomicInteger();

  private final Booster booster;
  private final int numClasses;
  private final int featureCount;
  private final int iterations;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Takes ownership of {@code booster}: it is freed by {@link #close}. */
  GbtClassifier(Booster booster, int numClasses, int featureCount, int iterations) {
    LIVE_BOOSTERS.incrementAndGet();
    this.booster = booster;
    this.numClasses = numClasses;
    this.featureCount = featureCount;
    this.iterations = iterations;
  }

  /**
   * Reads the booster of a version directory.
   *
   * @throws IllegalArgumentException when the file is missing, unreadable or does not fit the
   *     metadata's classes and features
   */
  public static GbtClassifier read(Path versionDir, int numClasses, int featureCount) {
    Path file = versionDir.resolve(BOOSTER_FILE);
    Booster booster;
    try (InputStream in = Files.newInputStream(file)) {
      booster = XGBoost.loadModel(in);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("gbt version " + versionDir + " has no " + BOOSTER_FILE);
    } catch (IOException | XGBoostError e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
    try {
      long features = booster.getNumFeature();
      if (features != featureCount) {
        throw new IllegalArgumentException(
            file + " takes " + features + " features, its metadata says " + featureCount);
      }
      // a stored version scores one request or one holdout at a time: one thread, no pool spin-up
      booster.setParam("nthread", 1);
      String stored = booster.getAttr(ITERATIONS_ATTRIBUTE);
      int boosted = booster.getNumBoostedRound();
      int iterations = stored == null ? boosted : Integer.parseInt(stored);
      if (iterations < 1 || iterations > boosted) {
        throw new IllegalArgumentException(
            file + " scores " + iterations + " iterations of the " + boosted + " it holds");
      }
      // a probe row: a binary booster answers 1 column, a softmax one a column per class
      int columns =
          booster.inplace_predict(new float[featureCount], 1, featureCount, Float.NaN)[0].length;
      if (columns != (numClasses == 2 ? 1 : numClasses)) {
        throw new IllegalArgumentException(
            file + " scores " + columns + " outputs; the metadata has " + numClasses + " classes");
      }
      return new GbtClassifier(booster, numClasses, featureCount, iterations);
    } catch (XGBoostError | RuntimeException e) {
      booster.dispose();
      throw e instanceof IllegalArgumentException iae
          ? iae
          : new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Class probabilities of each row, columns in class order.
   *
   * @throws IllegalArgumentException when a row is not {@link #featureCount} wide
   */
  public synchronized float[][] probabilities(float[][] rows) {
    if (closed.get()) {
      throw new IllegalStateException("gbt classifier is closed");
    }
    if (rows.length == 0) {
      return new float[0][];
    }
    float[] flat = new float[rows.length * featureCount];
    for (int r = 0; r < rows.length; r++) {
      if (rows[r] == null || rows[r].length != featureCount) {
        throw new IllegalArgumentException(
            "row "
                + r
                + " has "
                + (rows[r] == null ? 0 : rows[r].length)
                + " features, the model takes "
                + featureCount);
      }
      System.arraycopy(rows[r], 0, flat, r * featureCount, featureCount);
    }
    float[][] raw;
    try {
      raw =
          booster.inplace_predict(
              flat, rows.length, featureCount, Float.NaN, new int[] {0, iterations});
    } catch (XGBoostError e) {
      throw new IllegalStateException("gbt prediction failed: " + e.getMessage(), e);
    }
    if (numClasses > 2) {
      return raw;
    }
    float[][] probabilities = new float[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      float positive = raw[r][0];
      probabilities[r] = new float[] {1f - positive, positive};
    }
    return probabilities;
  }

  /** Writes the booster as {@value #BOOSTER_FILE} holds it. */
  public synchronized void writeTo(OutputStream out) throws IOException {
    if (closed.get()) {
      throw new IllegalStateException("gbt classifier is closed");
    }
    try {
      booster.saveModel(out, "ubj");
    } catch (XGBoostError e) {
      throw new IOException("cannot write the gbt booster: " + e.getMessage(), e);
    }
  }

  public int numClasses() {
    return numClasses;
  }

  public int featureCount() {
    return featureCount;
  }

  /** Boosting iterations that score (trees: this × classes, or this for two classes). */
  public int iterations() {
    return iterations;
  }

  /**
   * Nodes (splits and leaves) of the trees that score: a tree ensemble's counterpart of a network's
   * parameter count, each node holding a threshold or a leaf value.
   */
  public synchronized long nodeCount() {
    if (closed.get()) {
      throw new IllegalStateException("gbt classifier is closed");
    }
    String[] trees;
    try {
      trees = booster.getModelDump((String) null, false);
    } catch (XGBoostError e) {
      throw new IllegalStateException("cannot read the gbt trees: " + e.getMessage(), e);
    }
    int scoredTrees = Math.min(trees.length, iterations * (numClasses > 2 ? numClasses : 1));
    long nodes = 0;
    for (int t = 0; t < scoredTrees; t++) {
      nodes += trees[t].lines().filter(line -> !line.isBlank()).count();
    }
    return nodes;
  }

  /** Boosters not yet closed in this JVM (to check that rounds free what they made). */
  public static int liveBoosters() {
    return LIVE_BOOSTERS.get();
  }

  @Override
  public synchronized void close() {
    if (closed.compareAndSet(false, true)) {
      booster.dispose();
      LIVE_BOOSTERS.decrementAndGet();
    }
  }
}
