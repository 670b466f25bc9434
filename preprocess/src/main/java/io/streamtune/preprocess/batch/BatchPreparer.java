package io.streamtune.preprocess.batch;

import io.streamtune.preprocess.core.FitTransform;
import io.streamtune.preprocess.core.RecordValidator;
import io.streamtune.preprocess.core.Splitter;
import io.streamtune.preprocess.core.TabularStatistics;
import io.streamtune.preprocess.core.Validation;
import io.streamtune.preprocess.sampling.BatchResampler;
import io.streamtune.preprocess.sampling.LabeledVector;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The preprocessing job's logic on a finite batch, with the same classes in the same order:
 * validate, split by id hash, fit on TRAIN rows and transform (statistics grow row by row, exactly
 * as the streaming operator sees the file), then rebalance the TRAIN examples. What a user previews
 * with {@code streamtune prepare} is what the job would write.
 */
public final class BatchPreparer {

  /** A record the validator rejected (the job dead-letters it). */
  public record Rejection(String recordId, String source, String reason) {}

  /**
   * @param examples every prepared example in input order (TRAIN and HOLDOUT, before rebalancing)
   * @param resampled the TRAIN examples after rebalancing (synthetic rows carry their parents)
   * @param statistics the statistics fitted on the TRAIN rows after the last row
   */
  public record Result(
      List<Example> examples,
      List<Rejection> rejections,
      BatchResampler.Result resampled,
      TabularStatistics statistics) {

    public List<Example> holdout() {
      return examples.stream().filter(e -> e.getSplit() == Split.HOLDOUT).toList();
    }
  }

  private final PipelineSpec spec;

  public BatchPreparer(PipelineSpec spec) {
    this.spec = spec;
  }

  public Result prepare(Iterator<RawRecord> records) {
    RecordValidator validator = new RecordValidator(spec);
    Splitter splitter = Splitter.of(spec.split());
    FitTransform fitTransform = new FitTransform(spec);
    TabularStatistics statistics = fitTransform.emptyStatistics();
    List<Example> examples = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    List<LabeledVector> train = new ArrayList<>();
    while (records.hasNext()) {
      RawRecord record = records.next();
      Validation validation = validator.validate(record);
      if (validation instanceof Validation.Rejected rejected) {
        rejections.add(new Rejection(record.getId(), record.getSource(), rejected.reason()));
        continue;
      }
      Example example =
          fitTransform.apply(splitter.assign(((Validation.Valid) validation).row()), statistics);
      examples.add(example);
      if (example.getSplit() == Split.TRAIN) {
        train.add(LabeledVector.original(example.getId(), example.getLabel(), toDoubles(example)));
      }
    }
    BatchResampler.Result resampled = BatchResampler.resample(train, spec.sampling());
    return new Result(examples, rejections, resampled, statistics);
  }

  private static double[] toDoubles(Example example) {
    double[] features = new double[example.getFeatures().size()];
    for (int i = 0; i < features.length; i++) {
      features[i] = example.getFeatures().get(i);
    }
    return features;
  }
}
