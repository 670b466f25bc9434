package io.streamtune.preprocess.augment;

/**
 * One bilinear resampling pass through an inverse affine map, in fixed point on the byte array.
 * Source positions outside the image are clamped to its edge (what a resized crop does); an
 * optional box fades the output to a fill value outside it exactly as bilinear sampling of an image
 * surrounded by that fill would (what a rotation does). Integer-aligned maps (identity, flips,
 * quarter turns) land on whole pixels with zero weights, so they copy values exactly.
 */
final class Warp {

  /** Fraction bits of the fixed-point positions. */
  private static final int FRAC = 16;

  private static final long ONE = 1L << FRAC;

  /** Bits of the interpolation weights: 255 << 22 still fits an int (as OpenCV's 11 bits). */
  private static final int WEIGHT_BITS = 11;

  private static final int WEIGHT_SHIFT = FRAC - WEIGHT_BITS;
  private static final int WEIGHT_MASK = (1 << WEIGHT_BITS) - 1;
  private static final int VALUE_SHIFT = 2 * WEIGHT_BITS;
  private static final int HALF = 1 << (VALUE_SHIFT - 1);

  private Warp() {}

  /**
   * The outWidth x outHeight image whose pixel (x, y) is the source sampled bilinearly at {@code
   * toSource(x, y)}.
   *
   * @param toBox null, or where (x, y) falls in a boxWidth x boxHeight box; outside that box the
   *     value fades to {@code fill} over one pixel and is {@code fill} beyond
   */
  static byte[] apply(
      Image source,
      Affine toSource,
      Affine toBox,
      int boxWidth,
      int boxHeight,
      int fill,
      int outWidth,
      int outHeight) {
    if (source.channels() == 1
        && source.width() >= 2
        && source.height() >= 2
        && outWidth == source.width()
        && outHeight == source.height()
        && (toBox == null || (boxWidth == outWidth && boxHeight == outHeight))) {
      return applyGrey(source, toSource, toBox, fill);
    }
    Sampler sampler = new Sampler(source);
    int channels = source.channels();
    byte[] out = new byte[outWidth * outHeight * channels];
    long stepX = fix(toSource.a());
    long stepY = fix(toSource.d());
    boolean boxed = toBox != null;
    long boxStepX = boxed ? fix(toBox.a()) : 0;
    long boxStepY = boxed ? fix(toBox.d()) : 0;
    long boxMaxX = (boxWidth - 1L) << FRAC;
    long boxMaxY = (boxHeight - 1L) << FRAC;
    int o = 0;
    for (int oy = 0; oy < outHeight; oy++) {
      // positions advance by a constant step along a row: no per-pixel multiply or floor
      long sx = fix(toSource.b() * oy + toSource.c());
      long sy = fix(toSource.e() * oy + toSource.f());
      long qx = boxed ? fix(toBox.b() * oy + toBox.c()) : 0;
      long qy = boxed ? fix(toBox.e() * oy + toBox.f()) : 0;
      for (int ox = 0; ox < outWidth; ox++, o += channels) {
        long inside = boxed ? inside(qx, boxMaxX) * inside(qy, boxMaxY) : ONE * ONE;
        if (channels == 1) {
          out[o] = sampler.grey(sx, sy, inside, fill);
        } else {
          for (int c = 0; c < channels; c++) {
            out[o + c] = sampler.channel(sx, sy, c, inside, fill);
          }
        }
        sx += stepX;
        sy += stepY;
        qx += boxStepX;
        qy += boxStepY;
      }
    }
    return out;
  }

  /**
   * {@link #apply} for a grey image of at least 2 x 2 pixels into an output of its own size, with
   * the box (if any) of that size too: the augmenter's hot path. Each row splits into the run of
   * pixels whose four neighbours lie inside the image (and inside the box), sampled without any
   * clamp or test, and the few pixels either side of it, which take the general path.
   */
  private static byte[] applyGrey(Image source, Affine toSource, Affine toBox, int fill) {
    int width = source.width();
    int height = source.height();
    byte[] in = source.pixels();
    byte[] out = new byte[in.length];
    Sampler edges = new Sampler(source);
    long maxX = (width - 1L) << FRAC;
    long maxY = (height - 1L) << FRAC;
    long stepX = fix(toSource.a());
    long stepY = fix(toSource.d());
    boolean boxed = toBox != null;
    long boxStepX = boxed ? fix(toBox.a()) : 0;
    long boxStepY = boxed ? fix(toBox.d()) : 0;
    for (int oy = 0; oy < height; oy++) {
      long sx0 = fix(toSource.b() * oy + toSource.c());
      long sy0 = fix(toSource.e() * oy + toSource.f());
      long qx0 = boxed ? fix(toBox.b() * oy + toBox.c()) : 0;
      long qy0 = boxed ? fix(toBox.e() * oy + toBox.f()) : 0;
      // the interior run: 0 <= s < max on both axes (so x0 + 1 and y0 + 1 exist), q in the box
      long lo = 0;
      long hi = width - 1L;
      lo = Math.max(lo, from(sx0, stepX, 0, maxX - 1));
      hi = Math.min(hi, to(sx0, stepX, 0, maxX - 1));
      lo = Math.max(lo, from(sy0, stepY, 0, maxY - 1));
      hi = Math.min(hi, to(sy0, stepY, 0, maxY - 1));
      if (boxed) {
        lo = Math.max(lo, from(qx0, boxStepX, 0, maxX));
        hi = Math.min(hi, to(qx0, boxStepX, 0, maxX));
        lo = Math.max(lo, from(qy0, boxStepY, 0, maxY));
        hi = Math.min(hi, to(qy0, boxStepY, 0, maxY));
      }
      int start = (int) Math.min(lo, width);
      int end = (int) Math.max(start, hi + 1);
      int row = oy * width;
      for (int ox = 0; ox < width; ox++) {
        if (ox == start) {
          // the interior run is sampled below
          ox = end;
          if (ox >= width) {
            break;
          }
        }
        long inside =
            boxed
                ? inside(qx0 + ox * boxStepX, maxX) * inside(qy0 + ox * boxStepY, maxY)
                : ONE * ONE;
        // beyond the box's one-pixel fringe there is nothing to sample
        out[row + ox] =
            inside == 0
                ? (byte) fill
                : edges.grey(sx0 + ox * stepX, sy0 + ox * stepY, inside, fill);
      }
      long sx = sx0 + start * stepX;
      long sy = sy0 + start * stepY;
      for (int ox = start; ox < end; ox++) {
        int fx = (int) (sx >> WEIGHT_SHIFT) & WEIGHT_MASK;
        int fy = (int) (sy >> WEIGHT_SHIFT) & WEIGHT_MASK;
        int i = (int) (sy >> FRAC) * width + (int) (sx >> FRAC);
        int p00 = in[i] & 0xff;
        int p01 = in[i + 1] & 0xff;
        int p10 = in[i + width] & 0xff;
        int p11 = in[i + width + 1] & 0xff;
        int top = (p00 << WEIGHT_BITS) + (p01 - p00) * fx;
        int bottom = (p10 << WEIGHT_BITS) + (p11 - p10) * fx;
        out[row + ox] = (byte) (((top << WEIGHT_BITS) + (bottom - top) * fy + HALF) >> VALUE_SHIFT);
        sx += stepX;
        sy += stepY;
      }
    }
    return out;
  }

  /** With {@link #to}: the n >= 0 with low <= a + n d <= high are [from, to]. */
  private static long from(long a, long d, long low, long high) {
    if (d > 0) {
      return Math.max(0, -Math.floorDiv(-(low - a), d));
    }
    if (d < 0) {
      return Math.max(0, -Math.floorDiv(-(a - high), -d));
    }
    return a >= low && a <= high ? 0 : Long.MAX_VALUE / 2;
  }

  /** The upper end of the n with low <= a + n d <= high (see {@link #from}). */
  private static long to(long a, long d, long low, long high) {
    if (d > 0) {
      return Math.floorDiv(high - a, d);
    }
    if (d < 0) {
      return Math.floorDiv(a - low, -d);
    }
    return a >= low && a <= high ? Long.MAX_VALUE / 2 : -1;
  }

  /** Bilinear sampling of one image at fixed-point positions, clamped to its edge. */
  private static final class Sampler {
    private final byte[] in;
    private final int width;
    private final int channels;
    private final long maxX;
    private final long maxY;
    // the top-left neighbour's index stops one short of the last column and row (and the weight
    // becomes a full step there), so the four neighbours always exist without a padded copy
    private final int lastX0;
    private final int lastY0;

    Sampler(Image image) {
      this.maxX = (image.width() - 1L) << FRAC;
      this.maxY = (image.height() - 1L) << FRAC;
      // a one-pixel-wide or -high image gets its single column or row doubled
      Image wide = image.width() >= 2 && image.height() >= 2 ? image : atLeastTwoByTwo(image);
      this.in = wide.pixels();
      this.width = wide.width();
      this.channels = wide.channels();
      this.lastX0 = wide.width() - 2;
      this.lastY0 = wide.height() - 2;
    }

    byte grey(long sx, long sy, long inside, int fill) {
      long cx = Math.min(Math.max(sx, 0), maxX);
      long cy = Math.min(Math.max(sy, 0), maxY);
      int x0 = Math.min((int) (cx >> FRAC), lastX0);
      int y0 = Math.min((int) (cy >> FRAC), lastY0);
      int fx = (int) ((cx - ((long) x0 << FRAC)) >> WEIGHT_SHIFT);
      int fy = (int) ((cy - ((long) y0 << FRAC)) >> WEIGHT_SHIFT);
      int i = y0 * width + x0;
      return round(interpolate(i, 1, width, fx, fy), inside, fill);
    }

    byte channel(long sx, long sy, int c, long inside, int fill) {
      long cx = Math.min(Math.max(sx, 0), maxX);
      long cy = Math.min(Math.max(sy, 0), maxY);
      int x0 = Math.min((int) (cx >> FRAC), lastX0);
      int y0 = Math.min((int) (cy >> FRAC), lastY0);
      int fx = (int) ((cx - ((long) x0 << FRAC)) >> WEIGHT_SHIFT);
      int fy = (int) ((cy - ((long) y0 << FRAC)) >> WEIGHT_SHIFT);
      int i = (y0 * width + x0) * channels + c;
      return round(interpolate(i, channels, width * channels, fx, fy), inside, fill);
    }

    /** The value times 2^22; weights of 2^11 (a full step) give the neighbour's value exactly. */
    private int interpolate(int i, int right, int down, int fx, int fy) {
      int p00 = in[i] & 0xff;
      int p01 = in[i + right] & 0xff;
      int p10 = in[i + down] & 0xff;
      int p11 = in[i + down + right] & 0xff;
      int top = (p00 << WEIGHT_BITS) + (p01 - p00) * fx;
      int bottom = (p10 << WEIGHT_BITS) + (p11 - p10) * fx;
      return (top << WEIGHT_BITS) + (bottom - top) * fy;
    }

    /**
     * Bilinear sampling with every neighbour outside the box equal to fill gives fill + (value -
     * fill) * wx * wy, wx and wy the shares of the sample's footprint inside the box per axis.
     */
    private static byte round(int value, long inside, int fill) {
      if (inside != ONE * ONE) {
        value = faded(value, inside, fill);
      }
      return (byte) ((value + HALF) >> VALUE_SHIFT);
    }

    static int faded(int value, long inside, int fill) {
      long filled = (long) fill << VALUE_SHIFT;
      return (int) (filled + (((value - filled) * inside) >> (2 * FRAC)));
    }
  }

  /** The share (times 2^16) of a one-pixel footprint at q that lies in [0, max]. */
  private static long inside(long q, long max) {
    if (q < 0) {
      return Math.max(0, ONE + q);
    }
    if (q > max) {
      return Math.max(0, max + ONE - q);
    }
    return ONE;
  }

  private static Image atLeastTwoByTwo(Image image) {
    int w = Math.max(2, image.width());
    int h = Math.max(2, image.height());
    int channels = image.channels();
    byte[] out = new byte[w * h * channels];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < channels; c++) {
          int from =
              Math.min(x, image.width() - 1) + Math.min(y, image.height() - 1) * image.width();
          out[(y * w + x) * channels + c] = image.pixels()[from * channels + c];
        }
      }
    }
    return new Image(w, h, channels, out);
  }

  private static long fix(double position) {
    return Math.round(position * ONE);
  }
}
