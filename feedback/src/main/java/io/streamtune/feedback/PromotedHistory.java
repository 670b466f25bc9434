package io.streamtune.feedback;

import io.streamtune.schemas.avro.ModelVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The last few promotions of one model, newest last, each a ModelVersion in Avro's single-object
 * encoding (so a rollback can write the predecessor's record again exactly as it was).
 */
public record PromotedHistory(List<byte[]> versions) {

  /** Promotions kept per model: enough to find the predecessor of any recent champion. */
  public static final int KEPT = 5;

  public static PromotedHistory empty() {
    return new PromotedHistory(List.of());
  }

  public PromotedHistory append(ModelVersion version) {
    List<byte[]> next = new ArrayList<>(versions);
    next.add(encode(version));
    while (next.size() > KEPT) {
      next.remove(0);
    }
    return new PromotedHistory(next);
  }

  /** The current champion: the last promotion. */
  public Optional<ModelVersion> champion() {
    return versions.isEmpty()
        ? Optional.empty()
        : Optional.of(decode(versions.get(versions.size() - 1)));
  }

  /** The most recent promotion of {@code version}. */
  public Optional<ModelVersion> find(int version) {
    for (int i = versions.size() - 1; i >= 0; i--) {
      ModelVersion candidate = decode(versions.get(i));
      if (candidate.getVersion() == version) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public static byte[] encode(ModelVersion version) {
    try {
      ByteBuffer buffer = version.toByteBuffer();
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + version.getModelId(), e);
    }
  }

  public static ModelVersion decode(byte[] bytes) {
    try {
      return ModelVersion.fromByteBuffer(ByteBuffer.wrap(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode a promoted ModelVersion", e);
    }
  }
}
