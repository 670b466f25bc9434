package io.streamtune.preprocess.core;

import io.streamtune.schemas.avro.Example;
import io.streamtune.spec.PipelineSpec;
import java.util.List;

/**
 * What the batch mode does with the prepared examples after the transform and before writing them:
 * the seam where rebalancing (oversampling, undersampling of the training split) plugs in. The
 * examples are in input order; a step may add synthetic examples (with {@code synthetic} set and
 * {@code parentIds} naming their sources) or drop some, and must leave holdout examples untouched.
 */
@FunctionalInterface
public interface PreparedRowsStep {

  List<Example> apply(PipelineSpec spec, List<Example> examples);

  /** Writes the examples as they are. */
  static PreparedRowsStep none() {
    return (spec, examples) -> examples;
  }
}
