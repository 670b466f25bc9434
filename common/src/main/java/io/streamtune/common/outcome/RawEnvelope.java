package io.streamtune.common.outcome;

import java.util.Arrays;
import java.util.Objects;

/**
 * A record as read from the raw topic, before anything is decoded: the bytes and where they came
 * from, so a rejected record can be dead-lettered exactly as it arrived.
 *
 * <p>A mutable class with public fields and a no-argument constructor, so Flink serializes it as a
 * POJO.
 */
public class RawEnvelope {

  public String topic;
  public int partition;
  public long offset;
  public byte[] key;
  public byte[] value;

  public RawEnvelope() {}

  public RawEnvelope(String topic, int partition, long offset, byte[] key, byte[] value) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.key = key;
    this.value = value;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RawEnvelope that
        && partition == that.partition
        && offset == that.offset
        && Objects.equals(topic, that.topic)
        && Arrays.equals(key, that.key)
        && Arrays.equals(value, that.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, partition, offset, Arrays.hashCode(key), Arrays.hashCode(value));
  }

  @Override
  public String toString() {
    return topic + "-" + partition + "@" + offset;
  }
}
