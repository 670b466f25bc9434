package io.streamtune.preprocess.bench;

import io.streamtune.preprocess.augment.EdaAugmentation;
import io.streamtune.preprocess.augment.EdaAugmenter;
import io.streamtune.preprocess.augment.Image;
import io.streamtune.preprocess.augment.ImageAugmentation;
import io.streamtune.preprocess.augment.ImageAugmenter;
import io.streamtune.preprocess.augment.WordNetSynonyms;
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
 * Throughput of the augmentation cores on one thread (run by bench/augment.sh beside torchvision
 * and a plain Python EDA on the same inputs). Not a test.
 *
 * <p>Arguments: fashion-mnist images .gz, a text file (one sentence a line; {@code -} = images
 * only), repeats. The image part times the frozen pre-fusion augmenter ({@link
 * LegacyImageAugmenter}) and the current one alternately on the same images and settings.
 */
public final class AugmentBenchmark {

  private AugmentBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path images = Path.of(args[0]);
    Path sentences = Path.of(args[1]);
    int repeats = Integer.parseInt(args[2]);
    List<Image> pictures = readImages(images, 10_000);
    // The torchvision side applies the same: RandomResizedCrop(28, scale=(0.5, 1)), flip p=0.5,
    // RandomRotation(15), ColorJitter(brightness=0.4, contrast=0.4); no noise (torchvision 0.14 has
    // none).
    ImageAugmentation config =
        new ImageAugmentation(
            1, Map.of(), 1, 0.5, 0.75, 0.5, 0, 1, 15, 1, 0.4, 0.4, 0, 0, 0, 0, 42);
    ImageAugmenter augmenter = new ImageAugmenter(config);
    LegacyImageAugmenter legacy = new LegacyImageAugmenter(config);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<Double> ratios = new ArrayList<>();
    long oldBest = Long.MAX_VALUE;
    long newBest = Long.MAX_VALUE;
    // old and new alternate within each repeat, so load from other processes hits both alike
    for (int r = 0; r < repeats; r++) {
      long[] old = new long[3];
      long oldSum = time(threads, old, pictures, (id, image) -> legacy.copy(id, image, 0));
      long[] now = new long[3];
      long newSum =
          time(threads, now, pictures, (id, image) -> augmenter.copies(id, "x", image).get(0));
      report("java images, before (one pass per op)", pictures.size(), old, oldSum);
      report("java images", pictures.size(), now, newSum);
      oldBest = Math.min(oldBest, old[1]);
      newBest = Math.min(newBest, now[1]);
      double ratio = old[1] / (double) now[1];
      ratios.add(ratio);
      System.out.printf(Locale.ROOT, "java images: before/after CPU per copy = %.2fx%n", ratio);
    }
    ratios.sort(null);
    // on a loaded machine the least CPU a repeat took is the least disturbed figure
    System.out.printf(
        Locale.ROOT,
        "java images: median before/after CPU ratio over %d repeats = %.2fx; least CPU per copy"
            + " %.0f ns before, %.0f ns after (%.2fx)%n",
        repeats,
        ratios.get(ratios.size() / 2),
        oldBest / (double) pictures.size(),
        newBest / (double) pictures.size(),
        oldBest / (double) newBest);
    if (sentences.toString().equals("-")) {
      return;
    }
    List<String> texts = Files.readAllLines(sentences);
    WordNetSynonyms wordNet = WordNetSynonyms.shared();
    EdaAugmenter eda = new EdaAugmenter(new EdaAugmentation(0.1, 0.1, 0.1, 0.1, 4, 42), wordNet);
    for (int r = 0; r < repeats; r++) {
      long start = System.nanoTime();
      List<String> out = new ArrayList<>();
      for (int i = 0; i < texts.size(); i++) {
        out.addAll(eda.copies("t-" + i, texts.get(i)));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "java eda: %d sentences x 4 copies in %.2f s = %.0f sentences/s%n",
          texts.size(),
          seconds,
          texts.size() / seconds);
    }
  }

  private interface Copier {
    Image copy(String id, Image image);
  }

  /** Fills wall ns, thread CPU ns into {@code times}; returns a checksum of every output pixel. */
  private static long time(
      ThreadMXBean threads, long[] times, List<Image> pictures, Copier copier) {
    long cpu = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    long checksum = 0;
    for (int i = 0; i < pictures.size(); i++) {
      byte[] pixels = copier.copy("img-" + i, pictures.get(i)).pixels();
      checksum = checksum * 31 + Arrays.hashCode(pixels);
    }
    times[0] = System.nanoTime() - start;
    times[1] = threads.getCurrentThreadCpuTime() - cpu;
    return checksum;
  }

  private static void report(String what, int count, long[] times, long checksum) {
    System.out.printf(
        Locale.ROOT,
        "%s: %d augmented 28x28 images in %.2f s = %.0f images/s; thread CPU %.2f s = %.0f ns"
            + " per copy, %.0f copies per CPU-second (checksum %x)%n",
        what,
        count,
        times[0] / 1e9,
        count / (times[0] / 1e9),
        times[1] / 1e9,
        times[1] / (double) count,
        count / (times[1] / 1e9),
        checksum);
  }

  private static List<Image> readImages(Path file, int limit) throws IOException {
    List<Image> images = new ArrayList<>();
    try (DataInputStream in =
        new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
      in.readInt();
      int count = Math.min(limit, in.readInt());
      int rows = in.readInt();
      int columns = in.readInt();
      for (int i = 0; i < count; i++) {
        byte[] pixels = new byte[rows * columns];
        in.readFully(pixels);
        images.add(new Image(columns, rows, 1, pixels));
      }
    }
    return images;
  }
}
