package io.streamtune.spec;

import java.io.Serializable;

/**
 * The {@code text} section (modality text): where files keep the text and how long a text may be.
 *
 * @param field the JSON field or CSV column holding the text when a file is read ({@code streamtune
 *     prepare}); a stream carries TextPayloads and needs no field name
 * @param idField the JSON field or CSV column holding the record id; {@code null}: line numbers
 * @param maxChars longer texts are cut at the last whitespace before this many characters (EDA cost
 *     grows with the length, and the text backbone reads at most a few hundred tokens)
 * @param format {@code plain} (default): the text as sent; {@code email}: a raw e-mail reduced to
 *     its Subject and body when it enters the job, before the cut, the split and augmentation (with
 *     headers first, a model's token window sees only routing headers)
 */
public record TextSpec(String field, String idField, Integer maxChars, Format format)
    implements Serializable {

  /** What a text record holds. */
  public enum Format {
    PLAIN,
    EMAIL
  }

  public static final int MAX_CHARS_LIMIT = 1_000_000;

  public TextSpec {
    field = field == null ? "text" : field;
    maxChars = maxChars == null ? 10_000 : maxChars;
    format = format == null ? Format.PLAIN : format;
  }

  public static TextSpec defaults() {
    return new TextSpec(null, null, null, null);
  }

  /** Checks the values; every message names the key. */
  void validate(String origin) {
    if (field.isBlank()) {
      throw new SpecException(origin + ": key 'text.field' must not be blank");
    }
    if (idField != null && idField.isBlank()) {
      throw new SpecException(origin + ": key 'text.idField' must not be blank (omit it)");
    }
    if (maxChars < 1 || maxChars > MAX_CHARS_LIMIT) {
      throw new SpecException(
          origin
              + ": key 'text.maxChars' must be in [1, "
              + MAX_CHARS_LIMIT
              + "], got "
              + maxChars);
    }
  }
}
