package io.streamtune.schemas.deadletter;

import io.streamtune.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The one way every service builds a {@link DeadLetter}: bounded, so that a dead letter always fits
 * the broker's message limit however large the record it reports.
 *
 * <p>An unbounded dead letter of a record near the limit (a 950 KB cell: the original copied, the
 * cell repeated in the reason) was refused by the broker, failed the exactly-once sink and, after
 * the restarts ran out, lost the whole stream. Now an original over {@link
 * #MAX_ORIGINAL_VALUE_BYTES} is not copied (its size is, and topic/partition/offset still name it),
 * and reasons and ids are cut to a few kilobytes.
 */
public final class DeadLetterRecords {

  /** Originals up to this size are copied whole into the dead letter. */
  public static final int MAX_ORIGINAL_VALUE_BYTES = 256 * 1024;

  /** A key over this size is not copied (keys are record ids; this is already abuse). */
  public static final int MAX_ORIGINAL_KEY_BYTES = 4 * 1024;

  /** Longest reason kept; the rest is replaced by a note of how much was cut. */
  public static final int MAX_REASON_CHARS = 4_000;

  /** Longest record id kept. */
  public static final int MAX_RECORD_ID_CHARS = 512;

  /** Longest value quoted inside a reason (see {@link #quote}). */
  public static final int MAX_QUOTED_CHARS = 80;

  /**
   * A raw record attribute a reader sets when the record's source was malformed (a CSV row with
   * fewer or more cells than the header); its value says how. Validation dead-letters such a record
   * with that reason: cells of a misaligned row cannot be trusted to be in their columns.
   */
  public static final String MALFORMED_ATTRIBUTE = "streamtune.malformed";

  private DeadLetterRecords() {}

  /** Where the rejected record came from; partition and offset are -1 for non-topic sources. */
  public record Origin(String topic, int partition, long offset) {}

  /**
   * @param recordId the record's id, or {@code null} when it is not known
   * @param key the record's key bytes as read, or {@code null}
   * @param value the record's value bytes as read, or {@code null}
   */
  public static DeadLetter of(
      Origin origin,
      String recordId,
      byte[] key,
      byte[] value,
      String stage,
      String reason,
      Instant failedAt) {
    StringBuilder fullReason = new StringBuilder(cut(reason, MAX_REASON_CHARS));
    boolean valueKept = value == null || value.length <= MAX_ORIGINAL_VALUE_BYTES;
    if (!valueKept) {
      fullReason
          .append("; original value of ")
          .append(value.length)
          .append(" bytes not copied (dead letters copy up to ")
          .append(MAX_ORIGINAL_VALUE_BYTES)
          .append(" bytes): read it at ")
          .append(origin.topic())
          .append('-')
          .append(origin.partition())
          .append('@')
          .append(origin.offset());
    }
    boolean keyKept = key == null || key.length <= MAX_ORIGINAL_KEY_BYTES;
    if (!keyKept) {
      fullReason
          .append("; original key of ")
          .append(key.length)
          .append(" bytes not copied (limit ")
          .append(MAX_ORIGINAL_KEY_BYTES)
          .append(')');
    }
    return DeadLetter.newBuilder()
        .setRecordId(recordId == null ? null : cut(recordId, MAX_RECORD_ID_CHARS))
        .setTopic(origin.topic())
        .setPartition(origin.partition())
        .setOffset(origin.offset())
        .setOriginalKey(key == null || !keyKept ? null : ByteBuffer.wrap(key.clone()))
        .setOriginalValue(value == null || !valueKept ? null : ByteBuffer.wrap(value.clone()))
        .setOriginalSize(value == null ? null : value.length)
        .setStage(stage)
        .setReason(fullReason.toString())
        .setFailedAt(failedAt)
        .build();
  }

  /**
   * A value as it should appear inside a reason: control characters escaped, cut to {@link
   * #MAX_QUOTED_CHARS} with the full length named, so a 2 MB cell does not become a 2 MB reason.
   */
  public static String quote(CharSequence value) {
    String text = value.toString();
    String shown = cut(text, MAX_QUOTED_CHARS);
    return escapeControls(shown);
  }

  /** The text, or its first {@code max} characters and a note of the full length. */
  static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = max;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never split a surrogate pair
    }
    return text.substring(0, end) + "… (" + text.length() + " chars in all)";
  }

  private static String escapeControls(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control = Character.isISOControl(c);
      if (control && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        if (control) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? text : out.toString();
  }
}
