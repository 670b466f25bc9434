package io.streamtune.trainer.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.TrainerSpec;
import io.streamtune.spec.TransformerSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CandidatesTest {

  private static PipelineSpec spec(String file) {
    return PipelineSpecs.load(Path.of("..", "pipelines", file));
  }

  @Test
  void eachModalityHasItsCandidates() {
    assertEquals(
        List.of("logreg", "mlp[16]", "mlp[64,32]", "mlp[128,64,32]", "gbt"),
        Candidates.names(PipelineSpec.Modality.TABULAR));
    assertEquals(
        List.of("tfidf", "minilm", "minilm-finetune:last_k", "minilm-finetune:full"),
        Candidates.names(PipelineSpec.Modality.TEXT));
    assertEquals(
        List.of("scratch", "mnist-cnn:linear_probe", "mnist-cnn:partial", "mnist-cnn:full"),
        Candidates.names(PipelineSpec.Modality.IMAGE));
  }

  @Test
  void aCandidateKeepsTheSpecsKeysAndSetsOnlyItsModel() {
    PipelineSpec credit = spec("credit.yaml");
    Candidate logreg = Candidates.named(credit, List.of("logreg")).get(0);
    assertEquals(List.of(), logreg.trainer().hiddenUnits());
    assertEquals(credit.trainer().epochs(), logreg.trainer().epochs());
    assertEquals(credit.trainer().seed(), logreg.trainer().seed());
    assertEquals(
        List.of(64, 32),
        Candidates.named(credit, List.of("mlp[64,32]")).get(0).trainer().hiddenUnits());
  }

  @Test
  void aFineTunedCandidateIsSizedForACpuFromTheSpecsTransformerKeys() {
    PipelineSpec reviews = spec("reviews-finetune.yaml");
    Candidate lastK = Candidates.named(reviews, List.of("minilm-finetune:last_k")).get(0);
    TransformerSpec section = lastK.trainer().transformer();
    assertEquals(TransformerSpec.Strategy.LAST_K, section.get(TransformerSpec.STRATEGY));
    assertEquals(Candidates.FINETUNE_EPOCHS, section.get(TransformerSpec.EPOCHS));
    assertEquals(64, section.get(TransformerSpec.MAX_LENGTH));
    // the spec's own rate, not the default
    assertEquals(1.0e-4, section.get(TransformerSpec.LEARNING_RATE), 0.0);
    assertTrue(lastK.sizing().contains("maxLength <= 64"));
    Candidate tfidf = Candidates.named(reviews, List.of("tfidf")).get(0);
    assertEquals(TrainerSpec.TFIDF, tfidf.trainer().backbone());
    assertNull(tfidf.trainer().transformer());
  }

  @Test
  void aBackboneNameStandsForItsVariants() {
    assertEquals(
        List.of("minilm-finetune:last_k", "minilm-finetune:full"),
        Candidates.named(spec("spam.yaml"), List.of("minilm-finetune")).stream()
            .map(Candidate::name)
            .toList());
    assertEquals(
        List.of("mlp[16]", "mlp[64,32]", "mlp[128,64,32]"),
        Candidates.named(spec("credit.yaml"), List.of("mlp")).stream()
            .map(Candidate::name)
            .toList());
  }

  @Test
  void unknownOrForeignNamesAreRefusedListingTheAllowedOnes() {
    PipelineSpec spam = spec("spam.yaml");
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> Candidates.named(spam, List.of("bert")));
    assertEquals(
        "candidate 'bert' is unknown; allowed for text: [tfidf, minilm, minilm-finetune:last_k,"
            + " minilm-finetune:full]",
        unknown.getMessage());
    IllegalArgumentException foreign =
        assertThrows(
            IllegalArgumentException.class, () -> Candidates.named(spam, List.of("logreg")));
    assertTrue(foreign.getMessage().startsWith("candidate 'logreg' is for tabular data, not text"));
  }
}
