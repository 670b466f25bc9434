package io.streamtune.preprocess.augment;

/**
 * Brings an image of any size to the model's input: torchvision's {@code Resize(shorter)} (the
 * shorter side becomes {@code shorter}, the longer one {@code int(shorter * long / short)}) then
 * {@code CenterCrop(height, width)}, done as one bilinear resampling of the crop's rectangle.
 *
 * <p>Bilinear sampling alone reads 4 source pixels per output pixel, so a large downscale would
 * skip most of the image and alias; while the image is at least twice the target it is first halved
 * by 2x2 averaging (a box filter, like PIL's reducing step), so every source pixel counts.
 */
public final class ImageResize {

  private ImageResize() {}

  /** Converts 1 or 3 interleaved channels to {@code channels} (ITU-R 601 luma, or grey copied). */
  public static Image toChannels(Image image, int channels) {
    if (image.channels() == channels) {
      return image;
    }
    int pixels = image.width() * image.height();
    byte[] in = image.pixels();
    byte[] out = new byte[pixels * channels];
    for (int p = 0; p < pixels; p++) {
      if (channels == 3) {
        out[3 * p] = in[p];
        out[3 * p + 1] = in[p];
        out[3 * p + 2] = in[p];
      } else {
        int r = in[3 * p] & 0xff;
        int g = in[3 * p + 1] & 0xff;
        int b = in[3 * p + 2] & 0xff;
        out[p] = (byte) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      }
    }
    return new Image(image.width(), image.height(), channels, out);
  }

  /**
   * The image resized so its shorter side is {@code shorter}, centre-cropped to width x height; the
   * image itself when it already has that size.
   */
  public static Image fit(Image image, int shorter, int width, int height) {
    if (image.width() == width && image.height() == height) {
      return image;
    }
    Image source = image;
    while (Math.min(source.width(), source.height()) >= 2 * shorter) {
      source = halve(source);
    }
    // the resized size torchvision computes from the original, not from the halved image
    int w = image.width();
    int h = image.height();
    int resizedW = w <= h ? shorter : (int) ((long) shorter * w / h);
    int resizedH = w <= h ? (int) ((long) shorter * h / w) : shorter;
    int left = (int) Math.round((resizedW - width) / 2.0);
    int top = (int) Math.round((resizedH - height) / 2.0);
    double scaleX = source.width() / (double) resizedW;
    double scaleY = source.height() / (double) resizedH;
    return ImageOps.resizedCrop(
        source, left * scaleX, top * scaleY, width * scaleX, height * scaleY, width, height);
  }

  /** Half the width and height (rounded down), each output pixel the mean of 2x2 inputs. */
  static Image halve(Image image) {
    int c = image.channels();
    int w = image.width() / 2;
    int h = image.height() / 2;
    int inRow = image.width() * c;
    byte[] in = image.pixels();
    byte[] out = new byte[w * h * c];
    int o = 0;
    for (int y = 0; y < h; y++) {
      int row0 = 2 * y * inRow;
      int row1 = row0 + inRow;
      for (int x = 0; x < w; x++) {
        int col = 2 * x * c;
        for (int k = 0; k < c; k++) {
          int sum =
              (in[row0 + col + k] & 0xff)
                  + (in[row0 + col + c + k] & 0xff)
                  + (in[row1 + col + k] & 0xff)
                  + (in[row1 + col + c + k] & 0xff);
          out[o++] = (byte) ((sum + 2) >> 2);
        }
      }
    }
    return new Image(w, h, c, out);
  }
}
