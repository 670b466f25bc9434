package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.embedded.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's holdout map of a real text pipeline (the bundled Amazon reviews, frozen MiniLM +
 * linear head): the champion places the holdout by its MiniLM embedding ({@link HoldoutMapRuns}).
 */
class HoldoutTextMapKafkaTest {

  // a broker of its own: an evaluator reads the whole holdout topic, another pipeline's included
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @Test
  void aTextPipelinesChampionPlacesTheHoldoutByItsMiniLmEmbedding(@TempDir Path store)
      throws Exception {
    String spec =
        """
            name: reviews-map
            modality: text
            label:
              column: score
              classes: [great, other]
            trainer:
              retrainEvery: 160
              maxWaitSeconds: 0
              bufferCapacity: 400
              backbone: minilm
              seed: 3
            """;
    Map<String, Object> maps =
        HoldoutMapRuns.mapOfFirstChampion(KAFKA, spec, store, HoldoutMapRuns.reviews(240), 160);
    assertThat(maps).containsEntry("space", "text embedding (384-d)");
  }
}
