package io.streamtune.preprocess.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.preprocess.Intake;
import io.streamtune.preprocess.corpus.BadInputCorpus.Item;
import io.streamtune.preprocess.corpus.BadInputCorpus.Modality;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/**
 * The corpus's raw items against the job's intake alone (no broker, a mock registry): each bad one
 * rejected at its stage, each good one accepted. Fast, and names the item when the generator and
 * the intake disagree.
 */
class BadInputCorpusTest {

  private static final int SIZE = Integer.getInteger("corpus.size", 1_000);

  @Test
  void everyItemMeetsTheFateItIsTaggedWith() throws Exception {
    String registry = "mock://bad-input-corpus";
    byte[] bomb =
        Files.readAllBytes(
            Path.of("..", "common", "src", "test", "resources", "images", "bomb-40000x40000.png"));
    BadInputCorpus corpus =
        new BadInputCorpus(
            Long.getLong("corpus.seed", 20_261_207L), AvroSerdes.valueSerializer(registry), bomb);
    Deserializer<RawRecord> deserializer = AvroSerdes.valueDeserializer(registry, RawRecord.class);
    List<String> wrong = new ArrayList<>();
    check(corpus, Modality.TABULAR, "credit.yaml", deserializer, wrong);
    check(corpus, Modality.IMAGE, "fashion-mnist.yaml", deserializer, wrong);
    check(corpus, Modality.TEXT, "spam.yaml", deserializer, wrong);
    assertThat(wrong).isEmpty();
  }

  private static void check(
      BadInputCorpus corpus,
      Modality modality,
      String specFile,
      Deserializer<RawRecord> deserializer,
      List<String> wrong)
      throws Exception {
    PipelineSpec spec = PipelineSpecs.load(Path.of("..", "pipelines", specFile));
    Intake<?> intake =
        modality == Modality.TABULAR
            ? Intake.tabular(deserializer, spec)
            : Intake.media(deserializer, spec);
    int n = SIZE / 3;
    for (Item item : corpus.raw(modality, "corpus.raw", n, n)) {
      Outcome<?> outcome = intake.accept(new RawEnvelope("corpus.raw", 0, 0, null, item.value()));
      if (outcome instanceof Outcome.Rejected<?> rejected) {
        if (!item.bad() || !rejected.stage().equals(item.stage())) {
          wrong.add(item.key() + " rejected at " + rejected.stage() + ": " + rejected.reason());
        }
      } else if (item.bad()) {
        wrong.add(item.key() + " (" + item.kind() + ") accepted");
      }
    }
  }
}
