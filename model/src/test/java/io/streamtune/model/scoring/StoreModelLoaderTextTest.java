package io.streamtune.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.model.text.HashedTfidf;
import io.streamtune.model.text.LinearHead;
import io.streamtune.model.text.TextClassifier;
import io.streamtune.schemas.avro.ModelVersion;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stored tf-idf text head scored through the shared loader: probabilities and classes agree. */
class StoreModelLoaderTextTest {

  private static final List<String> LABELS = List.of("ham", "spam", "other");

  @TempDir Path dir;

  @Test
  void aTextHeadsProbabilitiesAreItsSoftmaxAndAgreeWithItsPredictions() throws Exception {
    List<String> texts =
        List.of(
            "win money now",
            "lunch at noon",
            "cheap pills win",
            "meeting moved to friday",
            "free money free",
            "see you at noon");
    HashedTfidf tfidf = HashedTfidf.fit(texts, 64);
    Random random = new Random(5);
    double[] weights = new double[LABELS.size() * 64];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = random.nextGaussian() * 3;
    }
    LinearHead head = new LinearHead(LABELS.size(), 64, weights, new double[] {0.1, -0.2, 0});
    TextClassifier classifier = new TextClassifier(TextClassifier.Features.TFIDF, head, tfidf);

    ModelMetadata metadata =
        new ModelMetadata(
            "texts",
            1,
            TextClassifier.architecture(TextClassifier.Features.TFIDF),
            LABELS,
            List.of(),
            64,
            List.of(),
            1,
            Instant.EPOCH.toString());
    Path versionDir =
        new ModelStore(dir)
            .save(
                null,
                metadata,
                "",
                Map.<String, ModelStore.FileContent>of(
                    TextClassifier.HEAD_FILE,
                    classifier::writeHead,
                    TextClassifier.TFIDF_FILE,
                    classifier::writeTfidf));
    ModelVersion version = StoredVersions.of(versionDir, metadata, 0);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      ids.add("t" + i);
    }
    try (StoreModelLoader loader = new StoreModelLoader(dir, false);
        ScoringModel model = loader.load(version)) {
      ScoringInputs inputs = ScoringInputs.ofTexts(ids, texts);
      float[][] probabilities = model.probabilities(inputs);
      int[] predicted = model.predict(inputs);
      assertThat(predicted).isEqualTo(classifier.predict(ids, texts, null, null));
      assertThat(ScoringModel.argMax(probabilities)).isEqualTo(predicted);
      assertThat(java.util.Arrays.stream(predicted).distinct().count()).isGreaterThan(1);
      for (int i = 0; i < texts.size(); i++) {
        double[] expected = head.probabilities(tfidf.transform(texts.get(i)));
        float sum = 0;
        for (int k = 0; k < LABELS.size(); k++) {
          assertThat((double) probabilities[i][k]).isCloseTo(expected[k], within(1e-7));
          sum += probabilities[i][k];
        }
        assertThat(sum).isCloseTo(1f, within(1e-6f));
      }
      assertThatThrownBy(
              () -> model.probabilities(ScoringInputs.ofFeatures(ids, new float[ids.size()][0])))
          .hasMessageContaining("has no text");
      // the map's embedding: tf-idf folded to 1,024 signed columns (TextClassifierFoldTest)
      float[][] embeddings = model.embeddings(inputs);
      assertThat(embeddings).hasNumberOfRows(texts.size());
      for (int i = 0; i < texts.size(); i++) {
        assertThat(embeddings[i])
            .isEqualTo(
                TextClassifier.fold(
                    tfidf.transform(texts.get(i)), TextClassifier.FOLDED_TFIDF_DIMENSIONS));
        assertThat(dot(embeddings[i], embeddings[i])).isPositive();
      }
    }
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int j = 0; j < a.length; j++) {
      sum += (double) a[j] * b[j];
    }
    return sum;
  }
}
