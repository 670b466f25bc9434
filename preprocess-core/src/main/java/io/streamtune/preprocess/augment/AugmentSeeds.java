package io.streamtune.preprocess.augment;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Seeds that depend only on the pipeline seed, the record id and the copy number, so a replay after
 * a failure (or a preview run) produces exactly the same augmented copies.
 */
public final class AugmentSeeds {

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private AugmentSeeds() {}

  public static long seed(long pipelineSeed, String recordId, int copy) {
    long hash = FNV_OFFSET ^ pipelineSeed;
    for (byte b : recordId.getBytes(StandardCharsets.UTF_8)) {
      hash = (hash ^ (b & 0xff)) * FNV_PRIME;
    }
    hash = (hash ^ copy) * FNV_PRIME;
    // one SplittableRandom step mixes the FNV hash well enough for java.util.Random seeding
    return new SplittableRandom(hash).nextLong();
  }
}
