package io.streamtune.launcher;

import io.streamtune.common.progress.ProgressMeter;
import io.streamtune.ingest.IdxImageReader;
import io.streamtune.model.image.LabeledImages;
import io.streamtune.model.image.SmallCnnPretraining;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "pretrain",
    mixinStandardHelpOptions = true,
    description = {
      "Pretrain the image backbone (a small CNN) on MNIST with a fixed seed and write its parameters.",
      "The shipped backbone (model/src/main/resources/backbones/mnist-cnn.params) was made with the defaults."
    })
final class PretrainCommand implements Callable<Integer> {

  @Option(
      names = "--dataset",
      defaultValue = "mnist",
      description = "Dataset: mnist (default: ${DEFAULT-VALUE})")
  String dataset;

  @Option(names = "--images", description = "IDX image file (default: data/mnist/...)")
  Path images = ImageDatasets.MNIST_IMAGES;

  @Option(names = "--labels", description = "IDX label file (default: data/mnist/...)")
  Path labels = ImageDatasets.MNIST_LABELS;

  @Option(
      names = "--epochs",
      defaultValue = "4",
      description = "Epochs (default: ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--holdout",
      defaultValue = "1000",
      description = "Last N images held out to report accuracy (default: ${DEFAULT-VALUE})")
  int holdout;

  @Option(
      names = "--output",
      required = true,
      description = "Where to write the backbone parameters")
  Path output;

  @Override
  public Integer call() throws Exception {
    if (!dataset.equals("mnist")) {
      throw new io.streamtune.common.config.ConfigException(
          "unknown --dataset '" + dataset + "'; allowed values: [mnist]");
    }
    List<String> classes = IdxImageReader.DIGIT_CLASSES;
    LabeledImages all = ImageDatasets.loadIdx(images, labels, classes, 0);
    LabeledImages train = all.slice(0, all.size() - holdout);
    LabeledImages test = all.slice(all.size() - holdout, all.size());
    SmallCnnPretraining.Options options =
        new SmallCnnPretraining.Options(epochs, 64, 0.001f, seed, false);
    ProgressMeter progress =
        new ProgressMeter(
            "pretrain epochs", epochs, Duration.ZERO, System.out::println, System::nanoTime);
    try (SmallCnnPretraining training = SmallCnnPretraining.fromScratch(classes.size(), options)) {
      List<Double> losses = training.train(train, progress::update);
      System.out.printf(
          Locale.ROOT,
          "pretrained on %,d MNIST images: final loss %.4f, accuracy on %,d held-out images %.4f%n",
          train.size(),
          losses.get(losses.size() - 1),
          test.size(),
          training.accuracy(test));
      Files.createDirectories(output.toAbsolutePath().getParent());
      try (OutputStream out = Files.newOutputStream(output)) {
        training.saveBackbone(out);
      }
    }
    System.out.println("wrote " + output);
    return 0;
  }
}
