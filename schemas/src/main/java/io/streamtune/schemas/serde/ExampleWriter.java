package io.streamtune.schemas.serde;

import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ImagePayload;
import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;

/**
 * The Avro binary of an {@link Example}, written field by field: the bytes of {@code
 * SpecificDatumWriter} (checked by a test on random examples), without its per-field schema walk,
 * union resolution and conversions. Examples are what every preprocess job writes, one per record;
 * the generic writer was the largest cost of their sink. Only for this build's Example schema.
 */
final class ExampleWriter implements DatumWriter<Example> {

  @Override
  public void setSchema(Schema schema) {
    if (schema != Example.getClassSchema()) {
      throw new IllegalArgumentException("writes " + Example.getClassSchema().getFullName());
    }
  }

  @Override
  public void write(Example example, Encoder out) throws IOException {
    out.writeString(example.getId());
    out.writeString(example.getSourceId());
    out.writeLong(example.getEventTime().toEpochMilli());
    out.writeEnum(example.getSplit().ordinal());
    out.writeString(example.getLabel());
    out.writeInt(example.getLabelIndex());
    List<Float> features = example.getFeatures();
    if (features instanceof FloatArrayList floats) {
      // the preprocess job's examples: the float array itself, unboxed
      writeArray(floats.size(), (encoder, i) -> encoder.writeFloat(floats.getFloat(i)), out);
    } else {
      writeArray(features.size(), (encoder, i) -> encoder.writeFloat(features.get(i)), out);
    }
    out.writeLong(example.getTransformVersion());
    writeOptionalString(example.getAugmentedFrom(), out);
    out.writeBoolean(example.getSynthetic());
    List<String> parentIds = example.getParentIds();
    writeArray(parentIds.size(), (encoder, i) -> encoder.writeString(parentIds.get(i)), out);
    ImagePayload image = example.getImage();
    if (image == null) {
      out.writeIndex(0);
    } else {
      out.writeIndex(1);
      out.writeInt(image.getWidth());
      out.writeInt(image.getHeight());
      out.writeInt(image.getChannels());
      out.writeEnum(image.getEncoding().ordinal());
      out.writeBytes(image.getData());
    }
    writeOptionalString(example.getText(), out);
  }

  /** Writes item {@code index} of an array (the project's lists are random access). */
  private interface ItemWriter {
    void write(Encoder out, int index) throws IOException;
  }

  /** An Avro array: one block of all {@code size} items. */
  private static void writeArray(int size, ItemWriter item, Encoder out) throws IOException {
    out.writeArrayStart();
    out.setItemCount(size);
    for (int i = 0; i < size; i++) {
      out.startItem();
      item.write(out, i);
    }
    out.writeArrayEnd();
  }

  /** A union of null and string, null first. */
  private static void writeOptionalString(String text, Encoder out) throws IOException {
    if (text == null) {
      out.writeIndex(0);
    } else {
      out.writeIndex(1);
      out.writeString(text);
    }
  }
}
