package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.model.gbt.GbtClassifier;
import io.streamtune.model.scoring.ScoringInputs;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.spec.PipelineSpecs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The trainer service with backbone gbt against a real (embedded) broker and schema registry. */
class TrainerServiceGbtKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @TempDir Path storeRoot;

  @Test
  void theServicePublishesAGbtVersionPerHundredExamplesThatTheLoaderScores() throws Exception {
    TrainerKafkaFixture fixture =
        new TrainerKafkaFixture(
            KAFKA, PipelineSpecs.parse(TabularGbtRoundTrainerTest.YAML, "gbt spec"), storeRoot);
    List<Example> examples = TestSpecs.examples(200, 31);
    fixture.produce(examples);
    int boostersBefore = GbtClassifier.liveBoosters();

    List<ModelVersion> versions = fixture.runTrainerUntil(2);

    assertThat(versions).extracting(ModelVersion::getVersion).containsExactly(1, 2);
    assertThat(versions).extracting(ModelVersion::getArchitecture).containsOnly("gbt");
    assertThat(versions).extracting(ModelVersion::getExamplesTrainedOn).containsExactly(100L, 200L);
    assertThat(TrainerKafkaFixture.rangeSize(versions)).isEqualTo(200);
    assertThat(GbtClassifier.liveBoosters())
        .as("the stopped service closed its trainer and the booster with it")
        .isEqualTo(boostersBefore);
    List<Example> unseen = TestSpecs.examples(200, 32);
    try (StoreModelLoader loader = new StoreModelLoader(storeRoot, false);
        ScoringModel model = loader.load(versions.get(1))) {
      int[] predicted =
          model.predict(
              ScoringInputs.ofFeatures(
                  unseen.stream().map(Example::getId).toList(), TestSpecs.features(unseen)));
      int correct = 0;
      for (int i = 0; i < predicted.length; i++) {
        correct += predicted[i] == unseen.get(i).getLabelIndex() ? 1 : 0;
      }
      assertThat((double) correct / predicted.length).isGreaterThan(0.93);
    }
  }
}
