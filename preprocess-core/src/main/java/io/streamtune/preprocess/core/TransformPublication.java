package io.streamtune.preprocess.core;

import io.streamtune.schemas.avro.TransformVersion;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * When the preprocessing job publishes its fitted transform to the {@code transforms} topic: the
 * first fitted version (after any warm-up), then whenever the rows fitted have doubled, and at a
 * checkpoint once {@code every} more were fitted (1, 2, 4, ..., then every {@code every} or more),
 * and the version a freeze fixes. The every-{@code every} versions wait for a checkpoint because
 * the sink's transaction makes nothing visible before one: at a high rate, a version per {@code
 * every} rows would be many JSON documents a second, each read by nobody but the last; the one
 * published at the checkpoint covers every example that checkpoint commits. A model version is
 * stored with the newest published transform at or below the highest transform version it trained
 * on, so early versions are not served with a transform fitted on a handful of rows: the stored one
 * has seen at least half the rows, or all but {@code every}. With {@code preprocess.freezeAfter} it
 * is exactly the transform its examples came from.
 */
public final class TransformPublication {

  private final long every;
  private long lastPublished = -1;
  private boolean frozenPublished;

  /**
   * @param every training rows fitted between two publications (at least 1)
   */
  public TransformPublication(long every) {
    if (every < 1) {
      throw new IllegalArgumentException("every must be at least 1, got " + every);
    }
    this.every = every;
  }

  /** The version to publish after the rows {@code transform} just took, if one is due. */
  public Optional<TransformVersion> due(TabularTransform transform, Instant now) {
    return due(transform, now, false);
  }

  /**
   * @param checkpoint whether a checkpoint is about to be taken (the every-{@code every} versions
   *     are published then only)
   */
  public Optional<TransformVersion> due(
      TabularTransform transform, Instant now, boolean checkpoint) {
    long version = transform.version();
    if (version == 0 || transform.buffered() > 0 || version == lastPublished) {
      return Optional.empty();
    }
    boolean freezing = transform.frozen() && !frozenPublished;
    boolean doubled = version >= 2 * lastPublished;
    boolean enoughRows = checkpoint && version - lastPublished >= every;
    if (lastPublished >= 0 && !freezing && !doubled && !enoughRows) {
      return Optional.empty();
    }
    lastPublished = version;
    frozenPublished = transform.frozen();
    return Optional.of(
        TransformVersion.newBuilder()
            .setPipeline(transform.spec().name())
            .setVersion(version)
            .setFrozen(transform.frozen())
            .setPublishedAt(now)
            .setFormat(TabularTransform.FORMAT)
            .setJson(new String(transform.toServingJson(), StandardCharsets.UTF_8))
            .build());
  }

  /** The version last published, -1 before the first. */
  public long lastPublished() {
    return lastPublished;
  }
}
