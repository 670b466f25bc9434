package io.streamtune.preprocess.flink;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A set of strings found by the bytes of their text: an open-addressing table of the ASCII ones,
 * keyed by {@link String#hashCode} (which, for ASCII, is the same sum over the bytes). It returns
 * the set's own string objects, interned (as the spec interns its categories), so whatever reads
 * them next finds them by identity with their hash already computed.
 */
final class CanonicalStrings {

  private final int[] hashes;
  private final byte[][] keys;
  private final String[] values;
  private final int mask;

  CanonicalStrings(List<String> strings) {
    int capacity = Integer.highestOneBit(Math.max(4, strings.size() * 3) - 1) << 1;
    hashes = new int[capacity];
    keys = new byte[capacity][];
    values = new String[capacity];
    mask = capacity - 1;
    for (String text : strings) {
      if (text == null || !isAscii(text)) {
        continue;
      }
      byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
      if (find(bytes, bytes.length) != null) {
        continue;
      }
      int hash = text.hashCode();
      int slot = spread(hash) & mask;
      while (values[slot] != null) {
        slot = (slot + 1) & mask;
      }
      hashes[slot] = hash;
      keys[slot] = bytes;
      values[slot] = text.intern();
    }
  }

  /** The string whose text is the first {@code length} bytes, or null when none is. */
  String find(byte[] bytes, int length) {
    int hash = 0;
    for (int i = 0; i < length; i++) {
      byte b = bytes[i];
      if (b < 0) {
        return null;
      }
      hash = 31 * hash + b;
    }
    int slot = spread(hash) & mask;
    while (true) {
      String value = values[slot];
      if (value == null) {
        return null;
      }
      byte[] key = keys[slot];
      if (hashes[slot] == hash && Arrays.equals(key, 0, key.length, bytes, 0, length)) {
        return value;
      }
      slot = (slot + 1) & mask;
    }
  }

  private static int spread(int hash) {
    return hash ^ (hash >>> 16);
  }

  /** Whether every char of {@code text} is ASCII (one byte in {@code StringValue}'s format). */
  static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
