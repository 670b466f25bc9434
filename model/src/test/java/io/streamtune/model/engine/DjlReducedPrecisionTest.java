package io.streamtune.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * Why fine-tuning stays float32 on a GPU too: DJL's dtype cast leaves autograd, so products run in
 * float16 (or bfloat16) would train nothing before them. If this test fails, DJL has fixed it and
 * {@code TransformerSpec.Precision} can offer reduced precision again. (bfloat16 itself is not
 * tried here: any bfloat16 tensor aborts the JVM, "terminate called without an active exception",
 * on DJL 0.33 and 0.36.)
 */
class DjlReducedPrecisionTest {

  @Test
  void aFloat32GraphCarriesGradients() {
    try (NDManager manager = NDManager.newBaseManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray x = manager.ones(new Shape(2, 3));
      x.setRequiresGradient(true);
      collector.backward(x.mul(2).sum());
      assertThat(x.getGradient().sum().getFloat()).isEqualTo(12f);
    }
  }

  @Test
  void aDtypeCastDetachesFromAutograd() {
    try (NDManager manager = NDManager.newBaseManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray x = manager.ones(new Shape(2, 3));
      x.setRequiresGradient(true);
      NDArray viaFloat16 = x.toType(DataType.FLOAT16, false).mul(2).toType(DataType.FLOAT32, false);
      assertThatThrownBy(() -> collector.backward(viaFloat16.sum()))
          .isInstanceOf(EngineException.class)
          .hasMessageContaining("does not require grad");
    }
  }
}
