package io.streamtune.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ImageInputTest {

  private static final ImageInput RGB =
      new ImageInput(
          3, 2, 3, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

  @Test
  void theArchitectureStringCarriesTheInputAndOlderStringsReadAsGrey28() {
    String architecture = SmallCnn.architecture("scratch", RGB);
    assertThat(architecture)
        .isEqualTo(
            "small-cnn[conv32,conv64 | dense128] from scratch; input 3x2x3"
                + " mean 0.485,0.456,0.406 std 0.229,0.224,0.225");
    assertThat(ImageInput.parse(architecture)).isEqualTo(RGB);
    ImageInput plain = new ImageInput(64, 48, 1, new float[] {0f}, new float[] {1f});
    assertThat(ImageInput.parse(UserBackbone.architecture("/m/net.pt", plain))).isEqualTo(plain);
    assertThat(SmallCnn.architecture("mnist-cnn", ImageInput.GREY_28))
        .isEqualTo("small-cnn[conv32,conv64 | dense128] from mnist-cnn");
    assertThat(ImageInput.parse("small-cnn[conv32,conv64 | dense128] from mnist-cnn"))
        .isEqualTo(ImageInput.GREY_28);
  }

  @Test
  void aBatchBecomesNormalizedChannelsFirst() {
    // 2 rows of 3 pixels x 3 channels, interleaved; pixel p of row r has channel values v, v, v
    float[] pixels = new float[2 * 3 * 2 * 3];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (i % 9) / 10f;
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray tensor = RGB.tensor(manager, pixels, 2);
      assertThat(tensor.getShape()).isEqualTo(new Shape(2, 3, 2, 3));
      // [row 0, channel 1, y 0, x 2] is interleaved value index (0 * 3 + 2) * 3 + 1 = 7
      float expected = (pixels[7] - 0.456f) / 0.224f;
      assertThat(tensor.getFloat(0, 1, 0, 2)).isCloseTo(expected, within(1e-6f));
      NDArray grey = ImageInput.GREY_28.tensor(manager, new float[28 * 28], 1);
      assertThat(grey.getShape()).isEqualTo(new Shape(1, 1, 28, 28));
    }
  }
}
