package io.streamtune.preprocess.sampling;

import io.streamtune.schemas.avro.Example;
import java.util.Objects;

/**
 * An example the stream resampler keeps (as a SMOTE parent, or in the cleaning window), with the
 * arrival key that orders equally distant neighbours. A Flink POJO, as it lives in keyed state.
 */
public class HeldExample {

  private long key;
  private Example example;

  /** For Flink's POJO serializer. */
  public HeldExample() {}

  public HeldExample(long key, Example example) {
    this.key = key;
    this.example = example;
  }

  public long getKey() {
    return key;
  }

  public void setKey(long key) {
    this.key = key;
  }

  public Example getExample() {
    return example;
  }

  public void setExample(Example example) {
    this.example = example;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HeldExample that
        && key == that.key
        && Objects.equals(example, that.example);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, example);
  }

  @Override
  public String toString() {
    return "HeldExample[" + key + ", " + (example == null ? null : example.getId()) + "]";
  }
}
