package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.embedded.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's holdout map of a real image pipeline (the bundled MNIST sample, the
 * MNIST-pretrained CNN): the champion places the holdout by its penultimate layer ({@link
 * HoldoutMapRuns}).
 */
class HoldoutImageMapKafkaTest {

  // a broker of its own: an evaluator reads the whole holdout topic, another pipeline's included
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @Test
  void anImagePipelinesChampionPlacesTheHoldoutByItsPenultimateLayer(@TempDir Path store)
      throws Exception {
    String spec =
        """
            name: digits-map
            modality: image
            image: {width: 28, height: 28}
            label:
              column: label
              classes: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
            trainer:
              retrainEvery: 200
              maxWaitSeconds: 0
              bufferCapacity: 400
              backbone: mnist-cnn
              strategy: partial
              unfreezeLastBlocks: 1
              epochs: 2
              batchSize: 32
              seed: 7
            """;
    Map<String, Object> maps =
        HoldoutMapRuns.mapOfFirstChampion(KAFKA, spec, store, HoldoutMapRuns.digits(320), 200);
    assertThat(maps).containsEntry("space", "image embedding (128-d)");
  }
}
