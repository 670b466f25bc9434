package io.streamtune.preprocess.bench;

import io.streamtune.preprocess.augment.EdaAugmentation;
import io.streamtune.preprocess.augment.EdaAugmenter;
import io.streamtune.preprocess.augment.Image;
import io.streamtune.preprocess.augment.ImageAugmentation;
import io.streamtune.preprocess.augment.ImageAugmenter;
import io.streamtune.preprocess.augment.WordNetSynonyms;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Throughput of the augmentation cores on one thread (run by bench/augment.sh beside torchvision
 * and a plain Python EDA on the same inputs). Not a test.
 *
 * <p>Arguments: fashion-mnist images .gz, a text file (one sentence a line), repeats.
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
    for (int r = 0; r < repeats; r++) {
      long start = System.nanoTime();
      long checksum = 0;
      for (int i = 0; i < pictures.size(); i++) {
        checksum += augmenter.copies("img-" + i, "x", pictures.get(i)).get(0).pixels()[400];
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "java images: %d augmented 28x28 images in %.2f s = %.0f images/s (checksum %d)%n",
          pictures.size(),
          seconds,
          pictures.size() / seconds,
          checksum);
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
