package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.schemas.avro.Example;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.nio.file.Path;
import java.util.List;
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
    PipelineSpec spec =
        PipelineSpecs.parse(
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
            """,
            "reviews map spec");
    List<Example> reviews = HoldoutMapRuns.reviews(240);
    Map<String, Object> maps =
        HoldoutMapRuns.mapOfFirstChampion(
            KAFKA, spec, store, reviews.subList(0, 160), reviews.subList(160, 240));
    assertThat(maps).containsEntry("space", "text embedding (384-d)");
  }
}
