package io.streamtune.preprocess.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.preprocess.TestSpecs;
import io.streamtune.preprocess.core.Splitter;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.preprocess.media.MediaSpecs;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import java.util.List;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * Flink ships every function to the task managers with Java serialization, and the functions hold
 * the parsed spec: every section of it (the trainer's too) must survive that trip.
 */
class OperatorSerializationTest {

  private static final String REGISTRY = "mock://operator-serialization-test";

  private static <T extends java.io.Serializable> T shipped(T function) throws Exception {
    return InstantiationUtil.clone(function, OperatorSerializationTest.class.getClassLoader());
  }

  @Test
  void everyOperatorOfTheTabularJobSurvivesJavaSerialization() throws Exception {
    PipelineSpec spec =
        TestSpecs.credit("trainer: {hiddenUnits: [8, 4]}\n" + "sampling: {method: random_over}\n");

    assertThat(shipped(IntakeFunction.tabular(spec, REGISTRY))).isNotNull();
    assertThat(shipped(new SplitFunction<ValidatedRow>(Splitter.of(spec.split())))).isNotNull();
    assertThat(shipped(new ResampleFunction(spec.sampling(), spec.label().classes()))).isNotNull();

    TabularTransformOperator transform = shipped(new TabularTransformOperator(spec));
    ValidatedRow row =
        new ValidatedRow(
            "r1",
            1L,
            "good",
            0,
            new double[] {10.0, 30.0},
            new String[] {"rent"},
            Split.TRAIN,
            null,
            null,
            null);
    try (var harness = new OneInputStreamOperatorTestHarness<>(transform)) {
      harness.open();
      harness.processElement(row, 1L);
      List<Example> examples = harness.extractOutputValues();
      assertThat(examples).singleElement().extracting(Example::getId).isEqualTo("r1");
    }
  }

  @Test
  void everyOperatorOfTheMediaJobSurvivesJavaSerialization() throws Exception {
    for (PipelineSpec spec : List.of(MediaSpecs.image(), MediaSpecs.text())) {
      assertThat(shipped(IntakeFunction.media(spec, REGISTRY))).isNotNull();
      assertThat(shipped(new AugmentFunction(spec))).isNotNull();
    }
  }
}
