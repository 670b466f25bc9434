package io.streamtune.launcher;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.ingest.CsvDataset;
import io.streamtune.ingest.CsvRecordReader;
import io.streamtune.ingest.IngestSource;
import io.streamtune.preprocess.PreprocessBatch;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.spec.AugmentSpec;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.SamplingSpec;
import io.streamtune.trainer.ExampleBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The examples {@code streamtune select} compares candidates on, read through the job's own intake,
 * validation and preprocessing ({@link SpecSources}, {@link PreprocessBatch}): what the stream
 * would train on, minus augmentation and rebalancing (a selection scores originals only; the
 * candidates' own class weights balance the classes). The spec's holdout split is ignored: the
 * selection makes its own stratified folds over every example.
 *
 * <p>Tabular steps (imputation, scaling, one-hot) are fitted on all rows once, not per fold: the
 * statistics see the scored rows' features (never their labels), the same for every candidate.
 */
final class SelectionInput {

  /** The examples and how many records were rejected on the way. */
  record Loaded(ExampleBuffer.Snapshot data, long rejected) {}

  private SelectionInput() {}

  static Loaded read(PipelineSpec spec, Path input, Path labels) throws IOException {
    PipelineSpec plain =
        spec.withSampling(SamplingSpec.defaults()).withAugment(AugmentSpec.defaults());
    List<ExampleBuffer.Item> items = new ArrayList<>();
    long rejected;
    if (plain.modality() == PipelineSpec.Modality.TABULAR) {
      SpecSources.open(plain, input, labels, null, Clock.systemUTC()).close();
      PreprocessBatch.TabularResult result;
      try (CsvRecordReader reader =
          CsvDataset.withSpec(input, plain, null).open(Clock.systemUTC())) {
        result = PreprocessBatch.tabular(plain, reader, PreprocessBatch.FitOn.ALL);
      }
      for (Example example : result.examples()) {
        items.add(item(plain, example));
      }
      rejected = result.rejected().size();
    } else {
      PreprocessBatch.Media batch = PreprocessBatch.media(plain);
      rejected = 0;
      try (IngestSource source = SpecSources.open(plain, input, labels, null, Clock.systemUTC())) {
        Iterator<Outcome<RawRecord>> records = source.items();
        while (records.hasNext()) {
          Outcome<RawRecord> record = records.next();
          if (!(record instanceof Outcome.Accepted<RawRecord> accepted)) {
            rejected++;
            continue;
          }
          Outcome<PreprocessBatch.Media.Prepared> prepared =
              batch.accept(
                  accepted.value(),
                  example -> {
                    if (example.getAugmentedFrom() == null) {
                      items.add(item(plain, example));
                    }
                  });
          if (!(prepared instanceof Outcome.Accepted<?>)) {
            rejected++;
          }
        }
      }
    }
    float[][] features = new float[items.size()][];
    int[] classes = new int[items.size()];
    for (int i = 0; i < items.size(); i++) {
      features[i] = items.get(i).features();
      classes[i] = items.get(i).label();
    }
    return new Loaded(
        new ExampleBuffer.Snapshot(features, classes, spec.label().classes().size(), items),
        rejected);
  }

  private static ExampleBuffer.Item item(PipelineSpec spec, Example example) {
    int label = spec.label().classes().indexOf(example.getLabel());
    return switch (spec.modality()) {
      case TABULAR -> {
        List<Float> values = example.getFeatures();
        float[] features = new float[values.size()];
        for (int i = 0; i < features.length; i++) {
          features[i] = values.get(i);
        }
        yield new ExampleBuffer.Item(example.getId(), label, features, null, null);
      }
      case IMAGE -> {
        ByteBuffer data = example.getImage().getData().duplicate();
        byte[] pixels = new byte[data.remaining()];
        data.get(pixels);
        yield new ExampleBuffer.Item(example.getId(), label, null, pixels, null);
      }
      case TEXT -> new ExampleBuffer.Item(example.getId(), label, null, null, example.getText());
    };
  }
}
