package io.streamtune.preprocess.media;

import io.streamtune.preprocess.core.Splittable;
import io.streamtune.schemas.avro.Split;
import java.util.Arrays;
import java.util.Objects;

/**
 * An image or text record that passed validation: the decoded pixels (RAW_U8, row-major, channels
 * interleaved) or the cleaned text, its label, and the split once the splitter has decided it.
 *
 * <p>A mutable class with public fields and a no-argument constructor, so Flink serializes it as a
 * POJO (no Kryo) between operators that do not chain.
 */
public class MediaRecord implements Splittable<MediaRecord> {

  public String id;
  public long eventTimeMillis;
  public String label;
  public int labelIndex;
  public Split split;

  /** Image shape and pixels; {@code pixels == null} for a text. */
  public int width;

  public int height;
  public int channels;
  public byte[] pixels;

  /** The text; {@code null} for an image. */
  public String text;

  public MediaRecord() {}

  @Override
  public String id() {
    return id;
  }

  /** Sets the split on this record: records are not shared between operators or threads. */
  @Override
  public MediaRecord withSplit(Split newSplit) {
    split = newSplit;
    return this;
  }

  public static MediaRecord image(
      String id,
      long eventTimeMillis,
      String label,
      int labelIndex,
      int width,
      int height,
      int channels,
      byte[] pixels) {
    MediaRecord record = new MediaRecord();
    record.id = id;
    record.eventTimeMillis = eventTimeMillis;
    record.label = label;
    record.labelIndex = labelIndex;
    record.width = width;
    record.height = height;
    record.channels = channels;
    record.pixels = pixels;
    return record;
  }

  public static MediaRecord text(
      String id, long eventTimeMillis, String label, int labelIndex, String text) {
    MediaRecord record = new MediaRecord();
    record.id = id;
    record.eventTimeMillis = eventTimeMillis;
    record.label = label;
    record.labelIndex = labelIndex;
    record.text = text;
    return record;
  }

  public boolean isImage() {
    return pixels != null;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof MediaRecord that
        && eventTimeMillis == that.eventTimeMillis
        && labelIndex == that.labelIndex
        && width == that.width
        && height == that.height
        && channels == that.channels
        && Objects.equals(id, that.id)
        && Objects.equals(label, that.label)
        && split == that.split
        && Arrays.equals(pixels, that.pixels)
        && Objects.equals(text, that.text);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, label, split, Arrays.hashCode(pixels), text);
  }

  @Override
  public String toString() {
    return "MediaRecord[id="
        + id
        + ", label="
        + label
        + ", split="
        + split
        + (isImage() ? ", image " + width + "x" + height + "x" + channels : ", text")
        + "]";
  }
}
