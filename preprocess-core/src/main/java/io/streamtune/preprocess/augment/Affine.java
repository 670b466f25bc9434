package io.streamtune.preprocess.augment;

/**
 * A 2-D affine map (x, y) -> (a x + b y + c, d x + e y + f). The geometric operations are written
 * as their inverse mappings (output pixel -> where it comes from), so a chain of them composes into
 * one map and one resampling pass.
 */
record Affine(double a, double b, double c, double d, double e, double f) {

  static final Affine IDENTITY = new Affine(1, 0, 0, 0, 1, 0);

  /** The map p -> this(inner(p)). */
  Affine after(Affine inner) {
    return new Affine(
        a * inner.a + b * inner.d,
        a * inner.b + b * inner.e,
        a * inner.c + b * inner.f + c,
        d * inner.a + e * inner.d,
        d * inner.b + e * inner.e,
        d * inner.c + e * inner.f + f);
  }

  /**
   * Inverse of a counter-clockwise rotation by {@code degrees} about the centre of a width x height
   * image (y grows downwards): where in the unrotated image an output pixel comes from.
   */
  static Affine rotationInverse(double degrees, int width, int height) {
    double radians = Math.toRadians(degrees);
    double cos = Math.cos(radians);
    double sin = Math.sin(radians);
    double cx = (width - 1) / 2.0;
    double cy = (height - 1) / 2.0;
    return new Affine(cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy);
  }

  /** Where an output pixel of a crop (x, y, w, h) resized to outWidth x outHeight comes from. */
  static Affine cropInverse(double x, double y, double w, double h, int outWidth, int outHeight) {
    // pixel centres aligned: source = x + (out + 0.5) * scale - 0.5
    double scaleX = w / outWidth;
    double scaleY = h / outHeight;
    return new Affine(scaleX, 0, x + 0.5 * scaleX - 0.5, 0, scaleY, y + 0.5 * scaleY - 0.5);
  }

  static Affine flipHorizontal(int width) {
    return new Affine(-1, 0, width - 1, 0, 1, 0);
  }

  static Affine flipVertical(int height) {
    return new Affine(1, 0, 0, 0, -1, height - 1);
  }
}
