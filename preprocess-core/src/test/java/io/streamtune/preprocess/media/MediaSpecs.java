package io.streamtune.preprocess.media;

import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TextPayload;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;

/** Image and text specs and raw records for the media tests. */
public final class MediaSpecs {

  public static final String IMAGE_YAML =
      """
      name: images-test
      modality: image
      label:
        classes: [shirt, coat, bag]
      image: {width: 4, height: 3, channels: 1}
      split: {holdoutFraction: 0.3, salt: test}
      augment:
        copies: 2
        copiesPerClass: {bag: 4}
        seed: 7
        image:
          rotation: {probability: 1.0, maxDegrees: 20}
          noise: {probability: 0.5, sigma: 5}
      """;

  public static final String TEXT_YAML =
      """
      name: texts-test
      modality: text
      label:
        classes: [ham, spam]
      text: {maxChars: 40}
      split: {holdoutFraction: 0.3, salt: test}
      augment:
        copies: 3
        copiesPerClass: {ham: 1}
        seed: 7
        text: {synonymReplacement: 0.0, randomInsertion: 0.0, randomSwap: 0.3, randomDeletion: 0.2}
      """;

  private MediaSpecs() {}

  public static PipelineSpec image() {
    return PipelineSpecs.parse(IMAGE_YAML, "test");
  }

  public static PipelineSpec text() {
    return PipelineSpecs.parse(TEXT_YAML, "test");
  }

  public static RawRecord raw(String id, String label, Object payload) {
    return RawRecord.newBuilder()
        .setId(id)
        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
        .setSource("test")
        .setLabel(label)
        .setPayload(payload)
        .setAttributes(Map.of())
        .build();
  }

  public static ImagePayload rawImage(int width, int height, int channels, byte[] data) {
    return ImagePayload.newBuilder()
        .setWidth(width)
        .setHeight(height)
        .setChannels(channels)
        .setEncoding(ImageEncoding.RAW_U8)
        .setData(ByteBuffer.wrap(data))
        .build();
  }

  public static ImagePayload encoded(ImageEncoding encoding, byte[] data) {
    return ImagePayload.newBuilder()
        .setWidth(0)
        .setHeight(0)
        .setChannels(0)
        .setEncoding(encoding)
        .setData(ByteBuffer.wrap(data))
        .build();
  }

  public static TextPayload text(String text) {
    return TextPayload.newBuilder().setText(text).build();
  }

  public static byte[] ramp(int length) {
    byte[] pixels = new byte[length];
    for (int i = 0; i < length; i++) {
      pixels[i] = (byte) (i * 37 % 256);
    }
    return pixels;
  }
}
