package io.streamtune.preprocess.core;

import java.util.Arrays;
import java.util.List;

/**
 * The position of each of a column's categories, looked up once or more per row: an open-addressing
 * table of the strings and their positions, which finds a validated row's value (the spec's own
 * string object: the spec interns its categories, so every operator's copy of the spec holds the
 * same objects) by identity before it compares text, and returns a plain int. A HashMap's node and
 * boxed position cost two more memory reads a lookup.
 */
public final class CategoryIndex {

  private final String[] keys;
  private final int[] positions;
  private final int mask;
  private final int size;

  /** The categories in order; a repeated one keeps its first position. */
  public CategoryIndex(List<String> categories) {
    int capacity = Integer.highestOneBit(Math.max(4, categories.size() * 3) - 1) << 1;
    keys = new String[capacity];
    positions = new int[capacity];
    mask = capacity - 1;
    int distinct = 0;
    for (int position = 0; position < categories.size(); position++) {
      String category = categories.get(position);
      if (indexOf(category) >= 0) {
        continue;
      }
      int slot = spread(category.hashCode()) & mask;
      while (keys[slot] != null) {
        slot = (slot + 1) & mask;
      }
      keys[slot] = category;
      positions[slot] = position;
      distinct++;
    }
    size = distinct;
  }

  /** The category's position, or -1 when it is not one (or null). */
  public int indexOf(String value) {
    if (value == null) {
      return -1;
    }
    int slot = spread(value.hashCode()) & mask;
    while (true) {
      String key = keys[slot];
      if (key == null) {
        return -1;
      }
      if (key == value || key.equals(value)) {
        return positions[slot];
      }
      slot = (slot + 1) & mask;
    }
  }

  /** How many distinct categories. */
  public int size() {
    return size;
  }

  private static int spread(int hash) {
    return hash ^ (hash >>> 16);
  }

  @Override
  public String toString() {
    return "CategoryIndex" + Arrays.toString(keys);
  }
}
