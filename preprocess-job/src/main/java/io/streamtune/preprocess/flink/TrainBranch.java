package io.streamtune.preprocess.flink;

import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.SamplingSpec;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The rebalancing stage of the job: the examples branch by split, only the training branch passes
 * the resampler, and the holdout branch rejoins untouched. Without a sampling method the stream is
 * returned as it is (the topology, and so any savepoint, stays the one without resampling).
 */
public final class TrainBranch {

  private TrainBranch() {}

  public static DataStream<Example> rebalance(DataStream<Example> examples, PipelineSpec spec) {
    SamplingSpec sampling = spec.sampling();
    if (sampling.method() == SamplingSpec.Method.NONE) {
      return examples;
    }
    // same parallelism as the input: forwarded, so the resampler sees the examples in order
    int parallelism = examples.getParallelism();
    DataStream<Example> train =
        examples
            .filter(new OfSplit(Split.TRAIN))
            .uid("train-branch")
            .name("train branch")
            .setParallelism(parallelism);
    DataStream<Example> holdout =
        examples
            .filter(new OfSplit(Split.HOLDOUT))
            .uid("holdout-branch")
            .name("holdout branch")
            .setParallelism(parallelism);
    DataStream<Example> rebalanced =
        train
            .keyBy(new OneKey(), Types.INT)
            .process(
                new ResampleFunction(sampling, spec.label().classes()),
                TypeInformation.of(Example.class))
            .uid("rebalance")
            .name("rebalance (" + sampling.method() + ")")
            // the class counts, reservoirs and window are global: one key, one subtask
            .setParallelism(1);
    return rebalanced.union(holdout);
  }

  /** Keeps the examples of one split. */
  public static final class OfSplit implements FilterFunction<Example> {
    private static final long serialVersionUID = 1L;

    private final Split split;

    public OfSplit(Split split) {
      this.split = split;
    }

    @Override
    public boolean filter(Example example) {
      return example.getSplit() == split;
    }
  }

  /** Keys every training example alike: the resampler's counts and neighbours are global. */
  public static final class OneKey implements KeySelector<Example, Integer> {
    private static final long serialVersionUID = 1L;

    public static final Integer KEY = 0;

    @Override
    public Integer getKey(Example example) {
      return KEY;
    }
  }
}
