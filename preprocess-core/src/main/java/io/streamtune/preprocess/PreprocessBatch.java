package io.streamtune.preprocess;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.preprocess.core.DeadLetters;
import io.streamtune.preprocess.core.PreparedRow;
import io.streamtune.preprocess.core.RecordValidator;
import io.streamtune.preprocess.core.Splitter;
import io.streamtune.preprocess.core.TabularTransform;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.preprocess.media.MediaAugmenter;
import io.streamtune.preprocess.media.MediaRecord;
import io.streamtune.preprocess.media.MediaValidator;
import io.streamtune.preprocess.sampling.BatchRebalancing;
import io.streamtune.preprocess.sampling.BatchResampler;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Preprocessing without Flink, over records already read (the launcher's {@code prepare}): the same
 * validation, split, steps, rebalancing and augmentation as the job's workflow ({@code
 * PreprocessJob.defineWorkflow}), but the tabular steps are fitted on all the rows at once, like a
 * scikit-learn Pipeline's {@code fit_transform}.
 */
public final class PreprocessBatch {

  /** The rows the tabular steps are fitted on. */
  public enum FitOn {
    /** Every row, whatever its split. */
    ALL,
    /** Train rows only; holdout rows are only transformed, as in the stream. */
    TRAIN
  }

  /**
   * A record the batch turned away.
   *
   * @param source where the record came from ({@link RawRecord#getSource()}), where known
   * @param stage one of {@link DeadLetters#STAGES}
   */
  public record Rejection(String source, String id, String stage, String reason) {}

  /**
   * @param examples train and holdout examples in input order, rebalanced as {@code sampling} says
   *     (synthetic ones carry {@code synthetic = true} and their parents' ids)
   * @param rejected validation rejections in input order, then cleaning and transform rejections
   * @param transform the fitted steps ({@link TabularTransform#toJson()} exports them)
   * @param removed the train rows rebalancing removed, with reasons and deciding neighbours
   */
  public record TabularResult(
      List<Example> examples,
      List<Rejection> rejected,
      TabularTransform transform,
      List<BatchResampler.Removal> removed) {}

  private PreprocessBatch() {}

  /** A tabular spec over its records: validate, split, fit and transform, rebalance. */
  public static TabularResult tabular(PipelineSpec spec, Iterator<RawRecord> records, FitOn fitOn) {
    if (spec.modality() != PipelineSpec.Modality.TABULAR) {
      throw new IllegalArgumentException("not a tabular spec: " + spec.modality());
    }
    RecordValidator validator = new RecordValidator(spec);
    Splitter splitter = Splitter.of(spec.split());
    List<ValidatedRow> rows = new ArrayList<>();
    List<Rejection> rejected = new ArrayList<>();
    while (records.hasNext()) {
      RawRecord record = records.next();
      Outcome<ValidatedRow> validated = validator.validate(record);
      if (validated instanceof Outcome.Accepted<ValidatedRow> valid) {
        rows.add(splitter.assign(valid.value()));
      } else {
        rejected.add(rejection(record.getSource(), (Outcome.Rejected<ValidatedRow>) validated));
      }
    }
    Predicate<ValidatedRow> fits =
        fitOn == FitOn.ALL ? row -> true : row -> row.split() == Split.TRAIN;
    TabularTransform.BatchResult result = TabularTransform.prepareBatch(spec, rows, fits);
    List<Example> examples = new ArrayList<>();
    for (Outcome<PreparedRow> outcome : result.outcomes()) {
      if (outcome instanceof Outcome.Accepted<PreparedRow> prepared) {
        examples.add(prepared.value().toExample());
      } else {
        rejected.add(rejection(null, (Outcome.Rejected<PreparedRow>) outcome));
      }
    }
    BatchRebalancing rebalancing = new BatchRebalancing();
    examples = rebalancing.apply(spec, examples);
    return new TabularResult(
        List.copyOf(examples), List.copyOf(rejected), result.pipeline(), rebalancing.removed());
  }

  /** An image or text spec, record by record: validate, split, augment the train split. */
  public static Media media(PipelineSpec spec) {
    return new Media(spec);
  }

  /**
   * The media variant of the batch: records one at a time, because a dataset of images may not fit
   * in memory together with its augmented copies.
   */
  public static final class Media {

    /**
     * @param copies the augmented copies made besides the original (0 for a holdout record)
     */
    public record Prepared(MediaRecord record, int copies) {}

    private final MediaValidator validator;
    private final Splitter splitter;
    private final MediaAugmenter augmenter;

    private Media(PipelineSpec spec) {
      this.validator = new MediaValidator(spec);
      this.splitter = Splitter.of(spec.split());
      this.augmenter = MediaAugmenter.of(spec);
    }

    /** Sends the record's original and augmented examples to {@code out}, or says why none. */
    public Outcome<Prepared> accept(RawRecord raw, Consumer<Example> out) {
      return validator
          .validate(raw)
          .map(splitter::assign)
          .map(record -> new Prepared(record, augmenter.expand(record, out)));
    }
  }

  private static Rejection rejection(String source, Outcome.Rejected<?> rejected) {
    return new Rejection(source, rejected.recordId(), rejected.stage(), rejected.reason());
  }
}
