package io.streamtune.model.scoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What a model version scores, row by row: an id (a text model caches its embeddings by it), the
 * feature row (tabular features, or image pixels scaled to [0, 1]; empty for a text) and the text
 * (null unless the modality is text). The evaluator's holdout snapshot and the serving path both
 * build it, so both score through the same code.
 *
 * @param ids one per row
 * @param features one row per id; a text row has no features (length 0)
 * @param texts one per id; null entries where a row has no text
 */
public record ScoringInputs(List<String> ids, float[][] features, List<String> texts) {

  public ScoringInputs {
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(texts, "texts");
    if (features.length != ids.size() || texts.size() != ids.size()) {
      throw new IllegalArgumentException(
          ids.size()
              + " ids but "
              + features.length
              + " feature rows and "
              + texts.size()
              + " texts");
    }
  }

  /** Feature rows (tabular, or image pixels) without texts. */
  public static ScoringInputs ofFeatures(List<String> ids, float[][] features) {
    return new ScoringInputs(ids, features, Collections.nCopies(ids.size(), null));
  }

  /** Texts without features. */
  public static ScoringInputs ofTexts(List<String> ids, List<String> texts) {
    float[][] none = new float[ids.size()][0];
    return new ScoringInputs(ids, none, Collections.unmodifiableList(new ArrayList<>(texts)));
  }

  /** One row. */
  public static ScoringInputs single(String id, float[] features, String text) {
    List<String> texts = new ArrayList<>(1);
    texts.add(text);
    return new ScoringInputs(
        List.of(id),
        new float[][] {features == null ? new float[0] : features},
        Collections.unmodifiableList(texts));
  }

  public int size() {
    return ids.size();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ScoringInputs that
        && ids.equals(that.ids)
        && Arrays.deepEquals(features, that.features)
        && texts.equals(that.texts);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * ids.hashCode() + Arrays.deepHashCode(features)) + texts.hashCode();
  }

  @Override
  public String toString() {
    return "ScoringInputs[" + ids.size() + " rows]";
  }
}
