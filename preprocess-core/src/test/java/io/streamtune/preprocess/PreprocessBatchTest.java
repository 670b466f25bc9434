package io.streamtune.preprocess;

import static io.streamtune.preprocess.TestSpecs.tabular;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.preprocess.media.MediaSpecs;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreprocessBatchTest {

  private static List<RawRecord> records() {
    List<RawRecord> records = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      records.add(
          tabular(
              "r" + i,
              i % 3 == 0 ? "bad" : "good",
              "Income",
              10.0 * i,
              "Age",
              20 + i,
              "Home",
              i % 2 == 0 ? "rent" : "owner"));
    }
    records.add(tabular("x1", "maybe", "Income", 1.0, "Age", 30, "Home", "rent"));
    return records;
  }

  @Test
  void tabularRecordsBecomeExamplesOfBothSplitsAndTheInvalidOnesRejections() {
    PipelineSpec spec = TestSpecs.credit();

    PreprocessBatch.TabularResult all =
        PreprocessBatch.tabular(spec, records().iterator(), PreprocessBatch.FitOn.ALL);

    assertThat(all.examples()).hasSize(40);
    assertThat(all.examples()).extracting(Example::getSplit).contains(Split.TRAIN, Split.HOLDOUT);
    assertThat(all.examples())
        .allMatch(e -> e.getFeatures().size() == all.transform().featureNames().size());
    assertThat(all.rejected())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.id()).isEqualTo("x1");
              assertThat(r.source()).isEqualTo("test");
              assertThat(r.stage()).isEqualTo("validate");
              assertThat(r.reason()).contains("unknown label 'maybe'");
            });
    assertThat(all.transform().version()).isEqualTo(40);

    PreprocessBatch.TabularResult train =
        PreprocessBatch.tabular(spec, records().iterator(), PreprocessBatch.FitOn.TRAIN);
    long trainRows = train.examples().stream().filter(e -> e.getSplit() == Split.TRAIN).count();
    assertThat(train.transform().version()).isEqualTo(trainRows).isLessThan(40);
  }

  @Test
  void mediaRecordsAreSplitAndOnlyTheTrainSplitIsAugmented() {
    PreprocessBatch.Media batch = PreprocessBatch.media(MediaSpecs.image());
    List<Example> examples = new ArrayList<>();
    int copies = 0;
    int holdout = 0;
    for (int i = 0; i < 30; i++) {
      RawRecord raw = MediaSpecs.raw("i" + i, "shirt", MediaSpecs.rawImage(4, 3, 1, new byte[12]));
      Outcome<PreprocessBatch.Media.Prepared> outcome = batch.accept(raw, examples::add);
      PreprocessBatch.Media.Prepared prepared =
          ((Outcome.Accepted<PreprocessBatch.Media.Prepared>) outcome).value();
      assertThat(prepared.copies()).isEqualTo(prepared.record().split == Split.TRAIN ? 2 : 0);
      copies += prepared.copies();
      holdout += prepared.record().split == Split.HOLDOUT ? 1 : 0;
    }
    assertThat(holdout).isPositive();
    assertThat(examples).hasSize(30 + copies);

    Outcome<PreprocessBatch.Media.Prepared> wrongSize =
        batch.accept(
            MediaSpecs.raw("bad", "shirt", MediaSpecs.rawImage(2, 2, 1, new byte[4])),
            examples::add);
    assertThat(wrongSize).isInstanceOf(Outcome.Rejected.class);
    assertThat(examples).hasSize(30 + copies);
  }
}
