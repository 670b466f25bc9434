package io.streamtune.trainer;

import io.streamtune.schemas.avro.TransformVersion;
import java.util.NavigableMap;
import java.util.Optional;

/** Where a version finds the fitted transform to be stored with it. */
@FunctionalInterface
interface TransformSource {

  /** For image and text pipelines, which have no fitted transform. */
  TransformSource NONE = maxTransformVersion -> Optional.empty();

  /**
   * The transform to store with a version whose examples came from transform versions up to {@code
   * maxTransformVersion}, or empty when none is known.
   */
  Optional<TransformVersion> transformFor(long maxTransformVersion);

  /**
   * The newest published version at or below {@code maxTransformVersion} (the one the newest
   * examples were prepared with, or the last published before it), else the oldest one known.
   */
  static Optional<TransformVersion> choose(
      NavigableMap<Long, TransformVersion> published, long maxTransformVersion) {
    var floor = published.floorEntry(maxTransformVersion);
    if (floor != null) {
      return Optional.of(floor.getValue());
    }
    return published.isEmpty() ? Optional.empty() : Optional.of(published.firstEntry().getValue());
  }
}
