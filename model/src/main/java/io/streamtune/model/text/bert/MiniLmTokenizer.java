package io.streamtune.model.text.bert;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.streamtune.common.text.EmailText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * all-MiniLM-L6-v2's WordPiece tokenizer with the limits set explicitly (the bundled {@code
 * tokenizer.json} pads and truncates at 128 unless told otherwise), the same settings as {@link
 * io.streamtune.model.text.MiniLmEncoder}. Texts are cut by characters first because the tokenizer
 * truncates only after tokenising everything.
 */
public final class MiniLmTokenizer implements AutoCloseable {

  public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

  /** A padded batch: row-major int64 ids, mask and types of {@code rows × length}. */
  public record TokenBatch(long[] ids, long[] mask, long[] types, int rows, int length) {

    /** The tokenizer's encodings of one padded batch, flattened row-major. */
    public static TokenBatch of(Encoding[] encodings) {
      int rows = encodings.length;
      int length = encodings[0].getIds().length;
      long[] ids = new long[rows * length];
      long[] mask = new long[rows * length];
      long[] types = new long[rows * length];
      for (int r = 0; r < rows; r++) {
        if (encodings[r].getIds().length != length) {
          throw new IllegalStateException("tokenizer did not pad the batch to one length");
        }
        System.arraycopy(encodings[r].getIds(), 0, ids, r * length, length);
        System.arraycopy(encodings[r].getAttentionMask(), 0, mask, r * length, length);
        System.arraycopy(encodings[r].getTypeIds(), 0, types, r * length, length);
      }
      return new TokenBatch(ids, mask, types, rows, length);
    }

    /** ids, mask, types as int64 NDArrays {@code [rows, length]} on {@code device}. */
    public NDList toNDList(NDManager manager, Device device) {
      Shape shape = new Shape(rows, length);
      return new NDList(
          manager.create(ids, shape).toDevice(device, false),
          manager.create(mask, shape).toDevice(device, false),
          manager.create(types, shape).toDevice(device, false));
    }

    /** Real (unpadded) tokens of row {@code r}. */
    public int tokens(int r) {
      int count = 0;
      for (int t = 0; t < length; t++) {
        count += (int) mask[r * length + t];
      }
      return count;
    }
  }

  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;
  private final int maxChars;

  /**
   * @param maxLength tokens per text, special tokens included (2..512)
   * @param maxChars characters kept before tokenising
   */
  public MiniLmTokenizer(int maxLength, int maxChars) {
    if (maxLength < 2 || maxLength > 512) {
      throw new IllegalArgumentException("maxLength must be in 2..512, got " + maxLength);
    }
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be >= 1, got " + maxChars);
    }
    this.maxLength = maxLength;
    this.maxChars = maxChars;
    try (InputStream json =
        MiniLmTokenizer.class.getClassLoader().getResourceAsStream(TOKENIZER_RESOURCE)) {
      if (json == null) {
        throw new IOException(TOKENIZER_RESOURCE + " is not on the classpath");
      }
      tokenizer =
          HuggingFaceTokenizer.newInstance(
              json,
              Map.of(
                  "padding", "true",
                  "truncation", "true",
                  "maxLength", Integer.toString(maxLength),
                  "modelMaxLength", "512"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the MiniLM tokenizer", e);
    }
  }

  public int maxLength() {
    return maxLength;
  }

  /** Tokenises and pads {@code texts} to the longest of them. Null counts as empty. */
  public TokenBatch encode(List<String> texts) {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("cannot encode an empty batch");
    }
    List<String> cut = new ArrayList<>(texts.size());
    for (String text : texts) {
      cut.add(EmailText.truncateChars(text == null ? "" : text, maxChars));
    }
    return TokenBatch.of(tokenizer.batchEncode(cut));
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
