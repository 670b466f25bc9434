package io.streamtune.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The tf-idf fold the dashboard's text map places texts by keeps their inner products. */
class TextClassifierFoldTest {

  @Test
  void foldingKeepsInnerProductsUnbiasedAndCloselyCorrelated() {
    Random random = new Random(17);
    List<String> vocabulary = new ArrayList<>();
    for (int w = 0; w < 60; w++) {
      vocabulary.add("word" + w);
    }
    List<String> texts = new ArrayList<>();
    for (int t = 0; t < 80; t++) {
      StringBuilder text = new StringBuilder();
      // two topics of 30 words each: texts of one topic share words, of two rarely
      int topic = t % 2;
      for (int w = 0; w < 12; w++) {
        int word = random.nextDouble() < 0.8 ? topic * 30 + random.nextInt(30) : random.nextInt(60);
        text.append(vocabulary.get(word)).append(' ');
      }
      texts.add(text.toString());
    }
    HashedTfidf tfidf = HashedTfidf.fit(texts);
    List<SparseVector> sparse = tfidf.transform(texts);
    float[][] folded = new float[texts.size()][];
    for (int t = 0; t < folded.length; t++) {
      folded[t] = TextClassifier.fold(sparse.get(t), TextClassifier.FOLDED_TFIDF_DIMENSIONS);
      assertThat(folded[t]).hasSize(TextClassifier.FOLDED_TFIDF_DIMENSIONS);
    }
    double sumExact = 0;
    double sumFolded = 0;
    double sumExact2 = 0;
    double sumFolded2 = 0;
    double sumCross = 0;
    int pairs = 0;
    for (int a = 0; a < folded.length; a++) {
      for (int b = a + 1; b < folded.length; b++) {
        double exact = 0;
        for (int i : sparse.get(a).indices()) {
          exact += (double) sparse.get(a).get(i) * sparse.get(b).get(i);
        }
        double approx = 0;
        for (int j = 0; j < TextClassifier.FOLDED_TFIDF_DIMENSIONS; j++) {
          approx += (double) folded[a][j] * folded[b][j];
        }
        sumExact += exact;
        sumFolded += approx;
        sumExact2 += exact * exact;
        sumFolded2 += approx * approx;
        sumCross += exact * approx;
        pairs++;
      }
    }
    double meanExact = sumExact / pairs;
    double meanFolded = sumFolded / pairs;
    double covariance = sumCross / pairs - meanExact * meanFolded;
    double correlation =
        covariance
            / Math.sqrt(
                (sumExact2 / pairs - meanExact * meanExact)
                    * (sumFolded2 / pairs - meanFolded * meanFolded));
    System.out.printf(
        "tf-idf fold to %d: mean inner product %.4f exact, %.4f folded; correlation %.3f%n",
        TextClassifier.FOLDED_TFIDF_DIMENSIONS, meanExact, meanFolded, correlation);
    assertThat(correlation).isGreaterThan(0.8);
    assertThat(Math.abs(meanFolded - meanExact)).isLessThan(0.1 * meanExact);
  }
}
