package io.streamtune.model.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.streamtune.spec.ImageSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an image model reads: height x width x channels, each channel normalized as {@code (value /
 * 255 - mean[c]) / std[c]}. Images arrive as RAW_U8 rows (row-major, channels interleaved) scaled
 * to [0, 1]; {@link #tensor} turns a batch of them into the network's [rows, channels, height,
 * width]. A stored version names its input in its architecture string ({@link #describe}), so the
 * evaluator and the server feed it as the trainer did; a string without one is the 28 x 28 grey
 * input of the first image models.
 */
public record ImageInput(int width, int height, int channels, float[] mean, float[] std) {

  /** 28 x 28 grey, values / 255: MNIST-style images and every version stored before RGB. */
  public static final ImageInput GREY_28 =
      new ImageInput(28, 28, 1, new float[] {0f}, new float[] {1f});

  private static final Pattern DESCRIPTION =
      Pattern.compile("input (\\d+)x(\\d+)x(\\d+)(?: mean ([-0-9.,E]+) std ([-0-9.,E]+))?");

  public ImageInput {
    if (width < 1 || height < 1 || (channels != 1 && channels != 3)) {
      throw new IllegalArgumentException(
          "an image input needs width, height >= 1 and 1 or 3 channels, got "
              + width
              + "x"
              + height
              + "x"
              + channels);
    }
    if (mean.length != channels || std.length != channels) {
      throw new IllegalArgumentException("mean and std need one value per channel");
    }
  }

  /** The input a spec's image section declares (resolved with its backbone's defaults). */
  public static ImageInput of(ImageSpec spec) {
    float[] mean = new float[spec.channels()];
    float[] std = new float[spec.channels()];
    for (int c = 0; c < mean.length; c++) {
      mean[c] = spec.mean().get(c).floatValue();
      std[c] = spec.std().get(c).floatValue();
    }
    return new ImageInput(spec.width(), spec.height(), spec.channels(), mean, std);
  }

  /** Bytes (values) per image. */
  public int pixels() {
    return width * height * channels;
  }

  /** The network's input shape for {@code rows} images. */
  public Shape shape(long rows) {
    return new Shape(rows, channels, height, width);
  }

  /** Whether the values go in as value / 255 without a per-channel shift or scale. */
  public boolean unnormalized() {
    for (int c = 0; c < channels; c++) {
      if (mean[c] != 0f || std[c] != 1f) {
        return false;
      }
    }
    return true;
  }

  /**
   * A batch of images in [0, 1] ({@code rows} x height x width x channels, interleaved) as the
   * network's [rows, channels, height, width], normalized, strided channels-last: for one channel
   * that is the same memory, and it makes PyTorch keep the whole network channels-last, where max
   * pooling has a vectorised kernel (its NCHW max-pool kernel is scalar; docs/benchmarks.md).
   */
  public NDArray tensor(NDManager manager, float[] pixels, int rows) {
    NDArray hwc = manager.create(pixels, new Shape(rows, height, width, channels));
    if (!unnormalized()) {
      // broadcast over the last (channel) axis
      hwc = hwc.sub(manager.create(mean)).div(manager.create(std));
    }
    return hwc.transpose(0, 3, 1, 2);
  }

  /** The architecture-string suffix naming this input; empty for {@link #GREY_28}. */
  public String describe() {
    if (equals(GREY_28)) {
      return "";
    }
    String shape = "input " + width + "x" + height + "x" + channels;
    return unnormalized() ? shape : shape + " mean " + join(mean) + " std " + join(std);
  }

  /** The input an architecture string names ({@link #describe}); {@link #GREY_28} when none. */
  public static ImageInput parse(String architecture) {
    Matcher m = DESCRIPTION.matcher(architecture);
    if (!m.find()) {
      return GREY_28;
    }
    int channels = Integer.parseInt(m.group(3));
    float[] mean = new float[channels];
    float[] std = new float[channels];
    Arrays.fill(std, 1f);
    if (m.group(4) != null) {
      mean = floats(m.group(4));
      std = floats(m.group(5));
    }
    return new ImageInput(
        Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), channels, mean, std);
  }

  private static String join(float[] values) {
    StringBuilder out = new StringBuilder();
    for (float value : values) {
      out.append(out.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%s", value));
    }
    return out.toString();
  }

  private static float[] floats(String joined) {
    String[] parts = joined.split(",");
    float[] values = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = Float.parseFloat(parts[i]);
    }
    return values;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ImageInput that
        && width == that.width
        && height == that.height
        && channels == that.channels
        && Arrays.equals(mean, that.mean)
        && Arrays.equals(std, that.std);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * width + height) + channels) + Arrays.hashCode(mean);
  }

  @Override
  public String toString() {
    return describe().isEmpty() ? "input 28x28x1" : describe();
  }
}
