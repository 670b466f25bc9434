package io.streamtune.preprocess.sampling;

/**
 * The two cleaning rules, written once against a {@link Source} of neighbours: the batch resampler
 * asks them over the whole batch, the stream resampler over its cleaning window. Decisions are all
 * made against the uncleaned set (like imbalanced-learn), so removing one example never changes
 * another's verdict.
 */
public final class CleaningRules {

  /** The points cleaning looks at, by key. */
  public interface Source {
    /** Keys of the k nearest other points to the point {@code key}, nearest first. */
    long[] nearestTo(long key, int k);

    int classOf(long key);
  }

  public static final long NO_LINK = Long.MIN_VALUE;

  private CleaningRules() {}

  /**
   * Tomek (1976): {@code key} and its nearest neighbour form a link when that neighbour belongs to
   * another class and has {@code key} as its own nearest neighbour.
   *
   * @return the partner's key, or {@link #NO_LINK}
   */
  public static long tomekPartner(long key, Source source) {
    long[] nearest = source.nearestTo(key, 1);
    if (nearest.length == 0) {
      return NO_LINK;
    }
    long partner = nearest[0];
    if (source.classOf(partner) == source.classOf(key)) {
      return NO_LINK;
    }
    long[] partnersNearest = source.nearestTo(partner, 1);
    return partnersNearest.length > 0 && partnersNearest[0] == key ? partner : NO_LINK;
  }

  /**
   * Edited nearest neighbours (Wilson 1972, imbalanced-learn's kind_sel='all'): {@code key} goes
   * unless all of its k nearest neighbours share its class.
   *
   * @return the neighbours when it goes, {@code null} when it stays
   */
  public static long[] ennVerdict(long key, int k, Source source) {
    long[] nearest = source.nearestTo(key, k);
    int own = source.classOf(key);
    for (long neighbour : nearest) {
      if (source.classOf(neighbour) != own) {
        return nearest;
      }
    }
    return null;
  }
}
