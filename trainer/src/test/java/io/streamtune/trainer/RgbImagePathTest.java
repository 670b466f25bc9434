package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.streamtune.common.outcome.Outcome;
import io.streamtune.preprocess.media.MediaAugmenter;
import io.streamtune.preprocess.media.MediaRecord;
import io.streamtune.preprocess.media.MediaValidator;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * RGB photos of several sizes and encodings through the pure cores the job and the trainer run:
 * validation (resize + centre crop to 32x32x3), augmentation (with RGB colour jitter), the
 * trainer's intake and a training round.
 */
class RgbImagePathTest {

  private static final PipelineSpec SPEC =
      PipelineSpecs.parse(
          """
          name: rgb-path
          modality: image
          label: {classes: [warm, cool]}
          image: {width: 32, height: 32, channels: 3, resizeShorter: 36,
                  mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25]}
          augment:
            copies: 1
            seed: 3
            image:
              colorJitter: {probability: 1.0, brightness: 0.3, contrast: 0.3, saturation: 0.3,
                            hue: 0.05}
          trainer: {backbone: scratch, epochs: 4, batchSize: 16, learningRate: 0.003, seed: 2,
                    retrainEvery: 1000}
          """,
          "rgb path");

  private static final int[][] SIZES = {{32, 32}, {64, 48}, {300, 200}, {37, 90}, {50, 50}};

  /** A warm (red) or cool (blue) noisy picture of the given size as PNG, JPEG or RAW_U8. */
  private static RawRecord record(int i, Random random) throws Exception {
    int label = i % 2;
    int[] size = SIZES[i % SIZES.length];
    BufferedImage image = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
    byte[] raw = new byte[size[0] * size[1] * 3];
    for (int y = 0; y < size[1]; y++) {
      for (int x = 0; x < size[0]; x++) {
        int strong = 150 + random.nextInt(100);
        int weak = 20 + random.nextInt(100);
        int g = 60 + random.nextInt(60);
        int r = label == 0 ? strong : weak;
        int b = label == 0 ? weak : strong;
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
        int p = 3 * (y * size[0] + x);
        raw[p] = (byte) r;
        raw[p + 1] = (byte) g;
        raw[p + 2] = (byte) b;
      }
    }
    ImagePayload payload;
    int kind = (i / SIZES.length) % 3;
    if (kind == 2) {
      payload = new ImagePayload(size[0], size[1], 3, ImageEncoding.RAW_U8, ByteBuffer.wrap(raw));
    } else {
      String format = kind == 0 ? "png" : "jpeg";
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, format, out);
      payload =
          new ImagePayload(
              0,
              0,
              0,
              kind == 0 ? ImageEncoding.PNG : ImageEncoding.JPEG,
              ByteBuffer.wrap(out.toByteArray()));
    }
    return RawRecord.newBuilder()
        .setId("img-" + i)
        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
        .setSource("test")
        .setLabel(label == 0 ? "warm" : "cool")
        .setPayload(payload)
        .setAttributes(Map.of())
        .build();
  }

  @Test
  void photosOfSeveralSizesAreValidatedAugmentedAndTrainedOn() throws Exception {
    MediaValidator validator = new MediaValidator(SPEC);
    MediaAugmenter augmenter = MediaAugmenter.of(SPEC);
    TrainingState state = new TrainingState(SPEC, () -> 0L);
    TopicPartition partition = new TopicPartition("examples.train", 0);
    Random random = new Random(1);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Outcome<MediaRecord> validated = validator.validate(record(i, random));
      assertThat(validated).as("record %d", i).isInstanceOf(Outcome.Accepted.class);
      MediaRecord media = ((Outcome.Accepted<MediaRecord>) validated).value();
      augmenter.expand(media.withSplit(Split.TRAIN), examples::add);
    }
    assertThat(examples).hasSize(120);
    long offset = 0;
    for (Example example : examples) {
      assertThat(example.getImage().getWidth()).isEqualTo(32);
      assertThat(example.getImage().getChannels()).isEqualTo(3);
      Optional<String> problem = state.offer(partition, offset++, example);
      assertThat(problem).as(example.getId()).isEmpty();
    }
    state.forceRound();
    TrainingState.Round round = state.startRound(state.roundDue().orElseThrow());
    assertThat(round.data().size()).isEqualTo(120);

    try (ImageCnnRoundTrainer trainer = ImageCnnRoundTrainer.create(SPEC, 2, Device.cpu())) {
      ModelTrainer.Result result = trainer.train(round.data(), () -> false);
      List<Double> losses = result.epochLosses();
      assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0));
      byte[][] images = round.data().images();
      float[][] pixels = new float[images.length][];
      for (int i = 0; i < images.length; i++) {
        pixels[i] = new float[images[i].length];
        for (int p = 0; p < images[i].length; p++) {
          pixels[i][p] = (images[i][p] & 0xff) / 255f;
        }
      }
      int[] predicted = trainer.tuner().predict(pixels);
      int correct = 0;
      for (int i = 0; i < predicted.length; i++) {
        correct += predicted[i] == round.data().labels()[i] ? 1 : 0;
      }
      assertThat(correct / (double) predicted.length).isGreaterThan(0.9);
    }
  }
}
