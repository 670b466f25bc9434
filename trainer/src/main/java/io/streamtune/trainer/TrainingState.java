package io.streamtune.trainer;

import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.OffsetRange;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.TrainerSpec;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Everything the trainer knows between rounds, without Kafka or DJL: which examples it took (the
 * buffer), which offsets it consumed, and whether a round is due. The Kafka adapter ({@link
 * TrainerService}) feeds it records and acts on its answers.
 */
public final class TrainingState {

  /** What one round trains on. */
  public record Round(
      ExampleBuffer.Snapshot data, long newExamples, RetrainTrigger.Reason reason) {}

  private final List<String> labels;
  private final PipelineSpec.Modality modality;
  private final int featureCount;
  // width, height, channels of the model's image input (0s unless modality image)
  private final int[] imageShape;
  private ExampleBuffer buffer;
  private final RetrainTrigger trigger;
  private final OffsetTracker offsets = new OffsetTracker();
  private long totalExamplesConsumed;
  private long rejected;
  private long maxTransformVersion;

  public TrainingState(PipelineSpec spec, LongSupplier clockMillis) {
    this.labels = spec.label().classes();
    this.modality = spec.modality();
    this.featureCount = modality == PipelineSpec.Modality.TABULAR ? spec.featureNames().size() : 0;
    this.imageShape =
        modality == PipelineSpec.Modality.IMAGE
            ? new int[] {spec.image().width(), spec.image().height(), spec.image().channels()}
            : new int[3];
    TrainerSpec trainer = spec.trainer();
    this.buffer =
        new ExampleBuffer(
            trainer.bufferCapacity(),
            trainer.bufferMaxBytes(),
            trainer.replayShare(),
            labels.size(),
            trainer.seed());
    this.trigger =
        new RetrainTrigger(trainer.retrainEvery(), trainer.maxWaitSeconds(), clockMillis);
  }

  /**
   * Takes one consumed record's example into the buffer, or explains why not. Either way its offset
   * counts as consumed.
   *
   * @return the reason the example was rejected (for the dead-letter record), or empty
   */
  public Optional<String> offer(TopicPartition partition, long offset, Example example) {
    offsets.consumed(partition, offset);
    Optional<String> problem = problemWith(example);
    if (problem.isPresent()) {
      rejected++;
      return problem;
    }
    buffer.add(item(example));
    trigger.exampleAdded();
    totalExamplesConsumed++;
    maxTransformVersion = Math.max(maxTransformVersion, example.getTransformVersion());
    return Optional.empty();
  }

  private ExampleBuffer.Item item(Example example) {
    String id = example.getId();
    int label = example.getLabelIndex();
    return switch (modality) {
      case TABULAR -> {
        float[] features = new float[featureCount];
        List<Float> values = example.getFeatures();
        for (int i = 0; i < featureCount; i++) {
          features[i] = values.get(i);
        }
        yield new ExampleBuffer.Item(id, label, features, null, null);
      }
      case IMAGE -> {
        java.nio.ByteBuffer data = example.getImage().getData().duplicate();
        byte[] pixels = new byte[data.remaining()];
        data.get(pixels);
        yield new ExampleBuffer.Item(id, label, null, pixels, null);
      }
      case TEXT -> new ExampleBuffer.Item(id, label, null, null, example.getText());
    };
  }

  /** A message on the control topic: train at the next check (once something is buffered). */
  /** A round once {@code examples} more new examples arrived (see RetrainTrigger#forceAfter). */
  public void forceRoundAfter(long examples) {
    trigger.forceAfter(examples);
  }

  public void forceRound() {
    trigger.force();
  }

  /** A record that could not even be decoded: consumed, rejected, not trained on. */
  public void reject(TopicPartition partition, long offset) {
    offsets.consumed(partition, offset);
    rejected++;
  }

  private Optional<String> problemWith(Example example) {
    if (example == null) {
      return Optional.of("the record has no value (tombstone)");
    }
    if (example.getSplit() != Split.TRAIN) {
      return Optional.of(
          "a " + example.getSplit() + " example on the training topic would leak the holdout");
    }
    Optional<String> problem =
        switch (modality) {
          case TABULAR ->
              buffer.problemWith(example.getFeatures(), example.getLabelIndex(), featureCount);
          case IMAGE ->
              buffer
                  .labelProblem(example.getLabelIndex())
                  .or(() -> imageProblem(example, imageShape));
          case TEXT -> buffer.labelProblem(example.getLabelIndex()).or(() -> textProblem(example));
        };
    if (problem.isPresent()) {
      return problem;
    }
    String expected = labels.get(example.getLabelIndex());
    if (!expected.equals(example.getLabel())) {
      return Optional.of(
          "label '"
              + example.getLabel()
              + "' does not match labelIndex "
              + example.getLabelIndex()
              + " ('"
              + expected
              + "' in the spec)");
    }
    return Optional.empty();
  }

  /** RAW_U8 of the spec's width x height x channels: what the image model reads. */
  static Optional<String> imageProblem(Example example, int[] shape) {
    io.streamtune.schemas.avro.ImagePayload image = example.getImage();
    if (image == null) {
      return Optional.of("an image example without an image");
    }
    if (image.getEncoding() != io.streamtune.schemas.avro.ImageEncoding.RAW_U8) {
      return Optional.of("image encoding " + image.getEncoding() + "; the trainer reads RAW_U8");
    }
    int expected = image.getWidth() * image.getHeight() * image.getChannels();
    if (image.getData() == null || image.getData().remaining() != expected) {
      return Optional.of(
          "image data has "
              + (image.getData() == null ? 0 : image.getData().remaining())
              + " bytes, "
              + image.getWidth()
              + "x"
              + image.getHeight()
              + "x"
              + image.getChannels()
              + " needs "
              + expected);
    }
    if (image.getWidth() != shape[0]
        || image.getHeight() != shape[1]
        || image.getChannels() != shape[2]) {
      return Optional.of(
          "the image is "
              + image.getWidth()
              + "x"
              + image.getHeight()
              + "x"
              + image.getChannels()
              + "; the image model takes "
              + shape[0]
              + "x"
              + shape[1]
              + "x"
              + shape[2]
              + " (image.width, image.height, image.channels)");
    }
    return Optional.empty();
  }

  static Optional<String> textProblem(Example example) {
    String text = example.getText();
    if (text == null || text.isBlank()) {
      return Optional.of("a text example without text");
    }
    return Optional.empty();
  }

  public Optional<RetrainTrigger.Reason> roundDue() {
    Optional<RetrainTrigger.Reason> due = trigger.due();
    // a forced round waits until there is something to train on
    return due.isPresent() && buffer.size() == 0 ? Optional.empty() : due;
  }

  /** Takes the buffer for a round and starts counting new examples again. */
  public Round startRound(RetrainTrigger.Reason reason) {
    Round round = new Round(buffer.snapshot(), trigger.newExamplesSinceLastRound(), reason);
    trigger.roundStarted();
    return round;
  }

  /** The offset ranges the version being published covers (see {@link OffsetTracker}). */
  public List<OffsetRange> drainRanges() {
    return offsets.drainRanges();
  }

  public OffsetTracker offsets() {
    return offsets;
  }

  public ExampleBuffer buffer() {
    return buffer;
  }

  /**
   * Replaces the (empty) buffer with one restored from the last version's snapshot, so a restarted
   * trainer trains on what the version was trained on plus what comes after its offsets. The count
   * of consumed examples goes on from the snapshot's, so {@code ModelVersion.totalExamplesConsumed}
   * does not fall back to zero after a restart.
   */
  public void restoreBuffer(ExampleBuffer restored) {
    if (buffer.totalAdded() > 0) {
      throw new IllegalStateException("the buffer can only be restored before any example arrives");
    }
    if (restored.capacity() != buffer.capacity()
        || restored.numClasses() != buffer.numClasses()
        || restored.maxBytes() != buffer.maxBytes()
        || restored.replayShare() != buffer.replayShare()) {
      throw new IllegalArgumentException("the restored buffer does not match the spec's");
    }
    buffer = restored;
    totalExamplesConsumed = restored.totalAdded();
  }

  /** Examples taken into the buffer (valid ones), including those of a restored snapshot. */
  public long totalExamplesConsumed() {
    return totalExamplesConsumed;
  }

  /** Records consumed but rejected (dead-lettered) since this trainer started. */
  public long rejected() {
    return rejected;
  }

  public long maxTransformVersion() {
    return maxTransformVersion;
  }

  public PipelineSpec.Modality modality() {
    return modality;
  }

  /** Feature width of tabular examples (0 for image and text). */
  public int featureCount() {
    return featureCount;
  }
}
