package io.streamtune.model.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashedTfidfTest {

  @Test
  void tokensAreLowerCasedWordsOfTwoOrMoreCharacters() {
    assertThat(HashedTfidf.tokens("Hello, WORLD! a I'm x_y 42 naïve"))
        .containsExactly("hello", "world", "x_y", "42", "naïve");
    assertThat(HashedTfidf.tokens("")).isEmpty();
    assertThat(HashedTfidf.tokens(null)).isEmpty();
  }

  @Test
  void valuesAreSublinearTfTimesSmoothedIdfThenL2Normalised() {
    HashedTfidf tfidf = HashedTfidf.fit(List.of("spam spam eggs", "eggs ham"));

    SparseVector v = tfidf.transform("Spam spam eggs");

    double spamIdf = Math.log(3.0 / 2.0) + 1; // df 1 of n 2
    double eggsIdf = Math.log(3.0 / 3.0) + 1; // df 2 of n 2
    double[] raw = {
      (1 + Math.log(2)) * spamIdf, // "spam", tf 2
      eggsIdf, // "eggs"
      spamIdf, // "spam spam", df 1
      spamIdf // "spam eggs", df 1
    };
    double norm = Math.sqrt(Arrays.stream(raw).map(x -> x * x).sum());
    double[] expected = Arrays.stream(raw).map(x -> x / norm).sorted().toArray();
    double[] actual = new double[v.nonZeros()];
    for (int i = 0; i < actual.length; i++) {
      actual[i] = v.values()[i];
    }
    Arrays.sort(actual);
    assertThat(actual).containsExactly(expected, within(1e-6));
    assertThat(v.norm()).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void wordsNeverSeenInTrainingAreDroppedAndDoNotDiluteTheOthers() {
    HashedTfidf tfidf = HashedTfidf.fit(List.of("common words", "common things"));

    SparseVector known = tfidf.transform("common words");
    SparseVector withNovelWords = tfidf.transform("common words novel unheard vocabulary");

    assertThat(withNovelWords).isEqualTo(known);
    assertThat(tfidf.transform("entirely novel").nonZeros()).isZero();
  }

  @Test
  void wordOrderMattersThroughBigrams() {
    HashedTfidf tfidf = HashedTfidf.fit(List.of("free money now", "money free today"));

    SparseVector forward = tfidf.transform("free money");
    SparseVector backward = tfidf.transform("money free");

    assertThat(forward.nonZeros()).isEqualTo(3);
    assertThat(backward.nonZeros()).isEqualTo(3);
    assertThat(forward).isNotEqualTo(backward);
    assertThat(tfidf.transform("free money")).isEqualTo(forward);
    assertThat(tfidf.transform("!!").nonZeros()).isZero();
  }

  @Test
  void indicesStayInsideTheBuckets() {
    String text = "one two three four five six seven eight nine ten";
    HashedTfidf tfidf = HashedTfidf.fit(List.of(text), 7);

    SparseVector v = tfidf.transform(text);

    assertThat(Arrays.stream(v.indices()).allMatch(i -> i >= 0 && i < 7)).isTrue();
    assertThat(v.indices()).isSorted().doesNotHaveDuplicates();
    assertThat(v.nonZeros()).isBetween(2, 7);
  }

  @Test
  void writeAndReadGiveTheSameTransform() throws Exception {
    HashedTfidf tfidf =
        HashedTfidf.fit(List.of("the cat sat", "the dog ran", "a cat ran"), 1 << 10);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    tfidf.write(out);

    HashedTfidf read = HashedTfidf.read(new ByteArrayInputStream(out.toByteArray()));

    assertThat(read.buckets()).isEqualTo(1 << 10);
    assertThat(read.fittedDocuments()).isEqualTo(3);
    assertThat(read.transform("the cat ran fast")).isEqualTo(tfidf.transform("the cat ran fast"));
  }
}
