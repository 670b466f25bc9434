package io.streamtune.model.text;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A text classifier version: a linear head over frozen MiniLM embeddings or over hashed tf-idf
 * features (the from-scratch baseline). Stored as {@value #HEAD_FILE} (and {@value #TFIDF_FILE} for
 * tf-idf) beside the version's metadata. It reads texts as the pipeline prepared them (e-mails
 * reduced to Subject and body there with {@code text.format: email}), for training and scoring
 * alike.
 */
public final class TextClassifier {

  public static final String HEAD_FILE = "head.bin";
  public static final String TFIDF_FILE = "tfidf.bin";

  /** The frozen text features a head reads. */
  public enum Features {
    MINILM,
    TFIDF
  }

  private final Features features;
  private final LinearHead head;
  private final HashedTfidf tfidf;

  public TextClassifier(Features features, LinearHead head, HashedTfidf tfidf) {
    if (features == Features.TFIDF && tfidf == null) {
      throw new IllegalArgumentException("a tf-idf classifier needs its fitted tf-idf");
    }
    this.features = features;
    this.head = head;
    this.tfidf = tfidf;
  }

  /** The architecture string stored with a version, e.g. {@code text-linear[minilm]}. */
  public static String architecture(Features features) {
    return "text-linear[" + features.name().toLowerCase(java.util.Locale.ROOT) + "]";
  }

  /** The features of a stored architecture string, or null when it is not a text classifier. */
  public static Features featuresOf(String architecture) {
    for (Features f : Features.values()) {
      if (architecture(f).equals(architecture)) {
        return f;
      }
    }
    return null;
  }

  public Features features() {
    return features;
  }

  public LinearHead head() {
    return head;
  }

  public HashedTfidf tfidf() {
    return tfidf;
  }

  /**
   * Predicted class indexes.
   *
   * @param encoder needed for MiniLM features (may be null for tf-idf)
   * @param cache MiniLM embeddings by id (may be null)
   */
  public int[] predict(
      List<String> ids, List<String> texts, MiniLmEncoder encoder, EmbeddingCache cache) {
    return head.predict(rows(ids, texts, encoder, cache));
  }

  /**
   * Softmax class probabilities per text (the head's, computed in double and rounded to float),
   * columns in class-index order.
   *
   * @param encoder needed for MiniLM features (may be null for tf-idf)
   * @param cache MiniLM embeddings by id (may be null)
   */
  public float[][] probabilities(
      List<String> ids, List<String> texts, MiniLmEncoder encoder, EmbeddingCache cache) {
    FeatureRows rows = rows(ids, texts, encoder, cache);
    head.requireWidth(rows);
    float[][] out = new float[rows.size()][];
    for (int r = 0; r < rows.size(); r++) {
      double[] p = head.probabilities(rows, r);
      out[r] = new float[p.length];
      for (int k = 0; k < p.length; k++) {
        out[r][k] = (float) p[k];
      }
    }
    return out;
  }

  /**
   * The vector the head reads for each text, dense, for a map of the texts as this classifier sees
   * them: the MiniLM embedding; for tf-idf its {@link #FOLDED_TFIDF_DIMENSIONS}-wide signed fold
   * ({@link #fold}), because a dense map of 2^18 buckets would not fit a PCA's covariance.
   *
   * @param encoder needed for MiniLM features (may be null for tf-idf)
   * @param cache MiniLM embeddings by id (may be null)
   */
  public float[][] embeddings(
      List<String> ids, List<String> texts, MiniLmEncoder encoder, EmbeddingCache cache) {
    return switch (features) {
      case MINILM -> cache == null ? encoder.encode(texts) : cache.embed(ids, texts, encoder);
      case TFIDF -> {
        List<SparseVector> sparse = tfidf.transform(texts);
        float[][] folded = new float[sparse.size()][];
        for (int r = 0; r < folded.length; r++) {
          folded[r] = fold(sparse.get(r), FOLDED_TFIDF_DIMENSIONS);
        }
        yield folded;
      }
    };
  }

  /** The width of a tf-idf text's folded vector ({@link #embeddings}). */
  public static final int FOLDED_TFIDF_DIMENSIONS = 1024;

  /**
   * Hashes a sparse vector's buckets again into {@code dimensions} columns, each with a sign drawn
   * from its bucket (the hashing trick): inner products, so distances, are kept in expectation.
   */
  public static float[] fold(SparseVector vector, int dimensions) {
    float[] folded = new float[dimensions];
    int[] indices = vector.indices();
    float[] values = vector.values();
    for (int i = 0; i < indices.length; i++) {
      int mixed = indices[i] * 0x9E3779B9;
      mixed ^= mixed >>> 16;
      int column = Math.floorMod(mixed, dimensions);
      folded[column] += ((mixed >>> 31) == 0 ? 1 : -1) * values[i];
    }
    return folded;
  }

  private FeatureRows rows(
      List<String> ids, List<String> texts, MiniLmEncoder encoder, EmbeddingCache cache) {
    return switch (features) {
      case TFIDF -> FeatureRows.sparse(tfidf.transform(texts), tfidf.buckets());
      case MINILM -> {
        float[][] vectors =
            cache == null ? encoder.encode(texts) : cache.embed(ids, texts, encoder);
        yield FeatureRows.dense(vectors);
      }
    };
  }

  public void writeHead(OutputStream out) throws IOException {
    head.write(out);
  }

  public void writeTfidf(OutputStream out) throws IOException {
    tfidf.write(out);
  }

  /** Reads a stored version's classifier. */
  public static TextClassifier read(Path versionDir, Features features) throws IOException {
    LinearHead head;
    try (InputStream in =
        new BufferedInputStream(Files.newInputStream(versionDir.resolve(HEAD_FILE)))) {
      head = LinearHead.read(in);
    }
    HashedTfidf tfidf = null;
    if (features == Features.TFIDF) {
      try (InputStream in =
          new BufferedInputStream(Files.newInputStream(versionDir.resolve(TFIDF_FILE)))) {
        tfidf = HashedTfidf.read(in);
      }
    }
    return new TextClassifier(features, head, tfidf);
  }
}
