package io.streamtune.model.text;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The from-scratch text baseline's features: word 1-gram and 2-gram counts hashed into a fixed
 * number of buckets, sublinear tf ({@code 1 + ln tf}), idf fitted on training texts (smoothed as in
 * scikit-learn: {@code ln((1 + n) / (1 + df)) + 1}), each vector L2-normalised.
 *
 * <p>A bucket no training text reached is dropped, as a vocabulary-based vectoriser drops unknown
 * words. Giving it the largest idf instead (what hashing plus a plain idf does) lets every new word
 * of a long e-mail dilute the norm of the known ones: the head's scores shrink towards its bias and
 * macro F1 at 250 SpamAssassin examples falls from 0.94 to 0.90.
 *
 * <p>Tokens are lower-cased runs of two or more letters, digits or underscores (scikit-learn's
 * default token pattern). Hashing needs no vocabulary, so the feature width is known before any
 * text is seen; collisions at 2^18 buckets cost little. Immutable once fitted; thread-safe.
 */
public final class HashedTfidf {

  /** 2^18 buckets. */
  public static final int DEFAULT_BUCKETS = 1 << 18;

  private static final int FORMAT = 1;
  private static final long BIGRAM_SALT = 0x9E3779B97F4A7C15L;

  private final int buckets;
  private final float[] idf;
  private final int fittedDocuments;

  private HashedTfidf(int buckets, float[] idf, int fittedDocuments) {
    this.buckets = buckets;
    this.idf = idf;
    this.fittedDocuments = fittedDocuments;
  }

  /** Fits idf on {@code texts} with {@link #DEFAULT_BUCKETS} buckets. */
  public static HashedTfidf fit(List<String> texts) {
    return fit(texts, DEFAULT_BUCKETS);
  }

  public static HashedTfidf fit(List<String> texts, int buckets) {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be >= 1, got " + buckets);
    }
    int[] documentFrequency = new int[buckets];
    for (String text : texts) {
      for (int bucket : distinctBuckets(text, buckets)) {
        documentFrequency[bucket]++;
      }
    }
    int n = texts.size();
    float[] idf = new float[buckets];
    for (int b = 0; b < buckets; b++) {
      if (documentFrequency[b] > 0) {
        idf[b] = (float) (Math.log((1.0 + n) / (1.0 + documentFrequency[b])) + 1.0);
      }
    }
    return new HashedTfidf(buckets, idf, n);
  }

  public int buckets() {
    return buckets;
  }

  /** How many texts the idf was fitted on. */
  public int fittedDocuments() {
    return fittedDocuments;
  }

  /** The tf-idf vector of {@code text}, L2-normalised (empty for a text without tokens). */
  public SparseVector transform(String text) {
    int[] hashed = bucketsOf(text, buckets);
    Arrays.sort(hashed);
    int distinct = 0;
    for (int i = 0; i < hashed.length; i++) {
      if ((i == 0 || hashed[i] != hashed[i - 1]) && idf[hashed[i]] > 0) {
        distinct++;
      }
    }
    int[] indices = new int[distinct];
    float[] values = new float[distinct];
    double norm = 0;
    int at = -1;
    for (int i = 0; i < hashed.length; ) {
      int j = i;
      while (j < hashed.length && hashed[j] == hashed[i]) {
        j++;
      }
      if (idf[hashed[i]] == 0) {
        i = j;
        continue;
      }
      at++;
      indices[at] = hashed[i];
      double value = (1.0 + Math.log(j - i)) * idf[hashed[i]];
      values[at] = (float) value;
      norm += value * value;
      i = j;
    }
    if (norm > 0) {
      double scale = 1 / Math.sqrt(norm);
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (values[i] * scale);
      }
    }
    return new SparseVector(indices, values);
  }

  public List<SparseVector> transform(List<String> texts) {
    List<SparseVector> out = new ArrayList<>(texts.size());
    for (String text : texts) {
      out.add(transform(text));
    }
    return out;
  }

  /** Writes the fitted state; {@link #read} gives back an equal transformer. */
  public void write(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeInt(FORMAT);
    data.writeInt(buckets);
    data.writeInt(fittedDocuments);
    for (float value : idf) {
      data.writeFloat(value);
    }
    data.flush();
  }

  public static HashedTfidf read(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int format = data.readInt();
    if (format != FORMAT) {
      throw new IOException("unknown hashed tf-idf format " + format + ", expected " + FORMAT);
    }
    int buckets = data.readInt();
    int documents = data.readInt();
    if (buckets < 1) {
      throw new IOException("corrupt hashed tf-idf: " + buckets + " buckets");
    }
    float[] idf = new float[buckets];
    for (int b = 0; b < buckets; b++) {
      idf[b] = data.readFloat();
    }
    return new HashedTfidf(buckets, idf, documents);
  }

  /** Lower-cased tokens of two or more word characters, in order. */
  static List<String> tokens(String text) {
    List<String> tokens = new ArrayList<>();
    if (text == null) {
      return tokens;
    }
    int n = text.length();
    int i = 0;
    while (i < n) {
      int c = text.codePointAt(i);
      if (!isWordChar(c)) {
        i += Character.charCount(c);
        continue;
      }
      int start = i;
      int codePoints = 0;
      while (i < n) {
        int d = text.codePointAt(i);
        if (!isWordChar(d)) {
          break;
        }
        codePoints++;
        i += Character.charCount(d);
      }
      if (codePoints >= 2) {
        tokens.add(text.substring(start, i).toLowerCase(java.util.Locale.ROOT));
      }
    }
    return tokens;
  }

  private static boolean isWordChar(int codePoint) {
    return Character.isLetterOrDigit(codePoint) || codePoint == '_';
  }

  /** One bucket per unigram and per bigram occurrence. */
  private static int[] bucketsOf(String text, int buckets) {
    List<String> tokens = tokens(text);
    int n = tokens.size();
    int[] out = new int[Math.max(0, 2 * n - 1)];
    long previous = 0;
    for (int i = 0; i < n; i++) {
      long hash = hash(tokens.get(i));
      out[i] = bucket(hash, buckets);
      if (i > 0) {
        out[n + i - 1] = bucket(mix(previous * 31 + hash + BIGRAM_SALT), buckets);
      }
      previous = hash;
    }
    return out;
  }

  private static int[] distinctBuckets(String text, int buckets) {
    int[] all = bucketsOf(text, buckets);
    return Arrays.stream(all).distinct().toArray();
  }

  private static int bucket(long hash, int buckets) {
    return (int) Long.remainderUnsigned(hash, buckets);
  }

  /** FNV-1a over the UTF-16 units, then a 64-bit finaliser so that low bits are well mixed. */
  static long hash(String token) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < token.length(); i++) {
      h ^= token.charAt(i);
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
