package io.streamtune.preprocess.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A fixed set of strings looked up by their UTF-8 bytes in a buffer, without making a String: an
 * open-addressing table of the strings' byte hashes. For reading keys and categories straight out
 * of Avro binary.
 */
final class Utf8Keys {

  private final byte[][] keys;
  private final int[] slots;
  private final int mask;

  /**
   * The strings, found by their position in {@code strings}; a repeated string keeps its first, a
   * null entry is never found.
   */
  Utf8Keys(List<String> strings) {
    keys = new byte[strings.size()][];
    int capacity = Integer.highestOneBit(Math.max(4, strings.size() * 4) - 1) << 1;
    slots = new int[capacity];
    Arrays.fill(slots, -1);
    mask = capacity - 1;
    for (int i = 0; i < strings.size(); i++) {
      if (strings.get(i) == null) {
        continue;
      }
      keys[i] = strings.get(i).getBytes(StandardCharsets.UTF_8);
      if (find(keys[i], 0, keys[i].length) >= 0) {
        continue;
      }
      int slot = hash(keys[i], 0, keys[i].length) & mask;
      while (slots[slot] >= 0) {
        slot = (slot + 1) & mask;
      }
      slots[slot] = i;
    }
  }

  /**
   * As {@link #find(byte[], int, int)}, trying {@code guess} (a position, or -1) first: for keys
   * that come in the same order record after record, one comparison and no hash.
   */
  int find(byte[] buffer, int offset, int length, int guess) {
    if (guess >= 0) {
      byte[] bytes = keys[guess];
      if (bytes.length == length
          && Arrays.equals(bytes, 0, length, buffer, offset, offset + length)) {
        return guess;
      }
    }
    return find(buffer, offset, length);
  }

  /** The position of the string whose UTF-8 bytes are {@code buffer[offset, offset + length)}. */
  int find(byte[] buffer, int offset, int length) {
    int slot = hash(buffer, offset, length) & mask;
    while (true) {
      int key = slots[slot];
      if (key < 0) {
        return -1;
      }
      byte[] bytes = keys[key];
      if (bytes.length == length
          && Arrays.equals(bytes, 0, length, buffer, offset, offset + length)) {
        return key;
      }
      slot = (slot + 1) & mask;
    }
  }

  private static int hash(byte[] buffer, int offset, int length) {
    int h = length;
    for (int i = offset; i < offset + length; i++) {
      h = 31 * h + buffer[i];
    }
    return h ^ (h >>> 16);
  }
}
