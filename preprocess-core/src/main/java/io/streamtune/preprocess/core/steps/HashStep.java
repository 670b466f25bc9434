package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.StepSpec;
import java.nio.charset.StandardCharsets;

/**
 * Feature hashing as scikit-learn's FeatureHasher over {@code {column: value}} dicts: each present
 * value adds ±1 to bucket |murmur3("column=value")| mod n, the sign being the hash's. The hashed
 * columns are replaced by the buckets where the first of them stood.
 */
final class HashStep implements Step {

  private final boolean[] hashed;
  private final String[] inputNames;
  private final int buckets;
  private final int firstHashed;
  private final int outputWidth;

  static Step of(StepSpec.Hash spec, StepInput in) {
    boolean[] flags = new boolean[in.input().size()];
    for (int i : in.columns(spec.columns(), ColumnType.CATEGORICAL)) {
      flags[i] = true;
    }
    return new HashStep(in.inputNames(), flags, spec.buckets());
  }

  HashStep(String[] inputNames, boolean[] hashed, int buckets) {
    this.inputNames = inputNames;
    this.hashed = hashed;
    this.buckets = buckets;
    int first = -1;
    int kept = 0;
    for (int i = 0; i < hashed.length; i++) {
      if (hashed[i] && first < 0) {
        first = i;
      }
      if (!hashed[i]) {
        kept++;
      }
    }
    this.firstHashed = first;
    this.outputWidth = kept + buckets;
  }

  @Override
  public void fit(Frame in, int label) {}

  @Override
  public Frame transform(Frame in) {
    Frame out = Frame.ofWidth(outputWidth);
    int at = 0;
    for (int i = 0; i < hashed.length; i++) {
      if (i == firstHashed) {
        for (int h = 0; h < hashed.length; h++) {
          if (hashed[h] && in.texts[h] != null) {
            byte[] key = (inputNames[h] + "=" + in.texts[h]).getBytes(StandardCharsets.UTF_8);
            int hash = Murmur3.hash32(key, 0);
            int bucket =
                hash == Integer.MIN_VALUE
                    ? (Integer.MAX_VALUE - (buckets - 1)) % buckets // as scikit-learn
                    : Math.abs(hash) % buckets;
            out.numbers[at + bucket] += hash >= 0 ? 1.0 : -1.0;
          }
        }
        at += buckets;
      }
      if (!hashed[i]) {
        out.numbers[at] = in.numbers[i];
        out.texts[at] = in.texts[i];
        at++;
      }
    }
    return out;
  }

  @Override
  public void save(ObjectNode node) {
    node.put("buckets", buckets);
    node.put("hash", "murmur3_32(column=value, seed 0), alternating sign");
  }

  @Override
  public void load(JsonNode node) {}
}
