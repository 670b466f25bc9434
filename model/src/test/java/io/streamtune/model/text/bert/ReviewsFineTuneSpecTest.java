package io.streamtune.model.text.bert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.TrainerSpec;
import io.streamtune.spec.TransformerSpec;
import io.streamtune.spec.TransformerSpec.Precision;
import io.streamtune.spec.TransformerSpec.Strategy;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReviewsFineTuneSpecTest {

  @Test
  @SuppressWarnings("unchecked")
  void theDemoSpecNamesMiniLmAndItsFineTuningSettingsLoad() throws Exception {
    Path spec = Path.of("..", "pipelines", "reviews-finetune.yaml");
    Map<String, Object> yaml = new YAMLMapper().readValue(spec.toFile(), Map.class);
    Map<String, Object> trainer = (Map<String, Object>) yaml.get("trainer");

    TransformerFineTuneConfig config =
        TransformerFineTuneConfig.fromMap((Map<String, Object>) trainer.get("transformer"));

    assertThat(yaml.get("modality")).isEqualTo("text");
    // the pipeline spec reader takes it too (trainer.backbone minilm-finetune, trainer.transformer)
    PipelineSpec parsed = PipelineSpecs.load(spec);
    assertThat(parsed.trainer().backboneFor(PipelineSpec.Modality.TEXT))
        .isEqualTo(TrainerSpec.MINILM_FINETUNE);
    assertThat(parsed.trainer().strategyFor(PipelineSpec.Modality.TEXT))
        .isEqualTo(TrainerSpec.Strategy.FULL);
    assertThat(parsed.trainer().transformer())
        .isEqualTo(TransformerSpec.read((Map<String, Object>) trainer.get("transformer")));
    assertThat(TransformerFineTuneConfig.of(parsed.trainer().transformer(), 42)).isEqualTo(config);
    assertThat(config.backbone()).isEqualTo("all-MiniLM-L6-v2");
    assertThat(config.strategy()).isEqualTo(Strategy.FULL);
    assertThat(config.learningRate()).isEqualTo(1e-4);
    assertThat(config.headLearningRate()).isEqualTo(2e-3);
    assertThat(config.layerDecay()).isEqualTo(0.9);
    assertThat(config.maxLength()).isEqualTo(64);
    assertThat(config.epochs()).isEqualTo(1);
    assertThat(trainer.get("backbone")).isEqualTo("minilm-finetune");
    assertThat(config.precision()).isEqualTo(Precision.AUTO);
  }
}
