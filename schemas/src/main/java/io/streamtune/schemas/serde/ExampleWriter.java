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
    out.writeArrayStart();
    out.setItemCount(features.size());
    for (Float feature : features) {
      out.startItem();
      out.writeFloat(feature);
    }
    out.writeArrayEnd();
    out.writeLong(example.getTransformVersion());
    writeOptionalString(example.getAugmentedFrom(), out);
    out.writeBoolean(example.getSynthetic());
    List<String> parentIds = example.getParentIds();
    out.writeArrayStart();
    out.setItemCount(parentIds.size());
    for (String parentId : parentIds) {
      out.startItem();
      out.writeString(parentId);
    }
    out.writeArrayEnd();
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
