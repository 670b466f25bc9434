package io.streamtune.model.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MiniLmEncoderTest {

  private static MiniLmEncoder encoder;

  @BeforeAll
  static void load() {
    encoder = new MiniLmEncoder(MiniLmEncoder.Options.defaults(2));
  }

  @AfterAll
  static void close() {
    encoder.close();
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void aTextAloneEncodesLikeInsideAPaddedBatch() {
    String shortText = "The cat sat on the mat.";
    String longText = "A much longer sentence that forces padding of the short one. ".repeat(8);

    float[] alone = encoder.encode(shortText);
    float[][] batch = encoder.encode(List.of(longText, shortText, "third"));

    assertThat(alone).hasSize(MiniLmEncoder.DIMENSIONS);
    assertThat(batch).hasDimensions(3, MiniLmEncoder.DIMENSIONS);
    for (int d = 0; d < alone.length; d++) {
      assertThat(batch[1][d]).isCloseTo(alone[d], org.assertj.core.data.Offset.offset(1e-5f));
    }
    assertThat(cosine(batch[0], alone)).isLessThan(0.9);
  }

  @Test
  void similarSentencesAreCloserThanUnrelatedOnes() {
    float[][] v =
        encoder.encode(
            List.of(
                "Win a free iPhone now, click this link to claim your prize!",
                "Congratulations, you have won a prize: claim your free phone today.",
                "The quarterly build of the kernel fails on ARM with gcc 3.2."));

    double similar = cosine(v[0], v[1]);
    double unrelated = cosine(v[0], v[2]);

    assertThat(similar).isGreaterThan(0.5);
    assertThat(similar - unrelated).isGreaterThan(0.3);
  }

  @Test
  void embeddingsAreUnitLengthAndDeterministic() {
    float[] first = encoder.encode("determinism matters");
    float[] second = encoder.encode("determinism matters");

    assertThat(second).containsExactly(first);
    double norm = 0;
    for (float x : first) {
      norm += x * x;
    }
    assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
  }

  @Test
  void tokenLimitIsTheConfiguredOneNotTheTokenizerFiles128() {
    String longText = "word ".repeat(2_000);

    assertThat(encoder.tokenIds(longText)).hasSize(256);
    assertThat(encoder.tokenIds("two words")).hasSize(4); // [CLS] two words [SEP]
  }

  @Test
  void aHugeTextIsCutByCharactersAndEncodesQuickly() {
    StringBuilder huge = new StringBuilder();
    while (huge.length() < 200_000) {
      huge.append("lorem ipsum dolor sit amet http://example.com/")
          .append(huge.length())
          .append(' ');
    }
    long start = System.nanoTime();

    float[] vector = encoder.encode(huge.toString());

    assertThat((System.nanoTime() - start) / 1e9).isLessThan(10.0);
    assertThat(vector).hasSize(MiniLmEncoder.DIMENSIONS);
    for (float x : vector) {
      assertThat(Float.isFinite(x)).isTrue();
    }
    assertThat(encoder.tokenIds(huge.toString())).hasSize(256);
  }

  @Test
  void emptyAndNullTextsEncode() {
    float[][] v = encoder.encode(java.util.Arrays.asList("", null, "x"));

    assertThat(v).hasDimensions(3, MiniLmEncoder.DIMENSIONS);
    assertThat(v[0]).containsExactly(v[1]);
  }

  @Test
  void optionsAreValidated() {
    assertThatThrownBy(() -> new MiniLmEncoder.Options(1000, 100, 8, 1, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxLength");
    assertThatThrownBy(() -> new MiniLmEncoder.Options(128, 100, 0, 1, true))
        .hasMessageContaining("batchSize");
  }
}
