package io.streamtune.schemas.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DeadLetterRecordsTest {

  private static final DeadLetterRecords.Origin ORIGIN =
      new DeadLetterRecords.Origin("streamtune.raw", 1, 42);
  private static final Instant AT = Instant.parse("2026-12-06T00:00:00Z");

  /** Kafka's default message limit (message.max.bytes and max.request.size). */
  private static final int BROKER_LIMIT = 1_048_576;

  @Test
  void aSmallRecordIsCopiedWholeWithItsSize() {
    byte[] value = {0, 1, 2, 3};
    DeadLetter letter =
        DeadLetterRecords.of(ORIGIN, "id-1", "k".getBytes(), value, "validate", "bad", AT);

    assertThat(bytes(letter.getOriginalValue())).containsExactly(value);
    assertThat(bytes(letter.getOriginalKey())).containsExactly('k');
    assertThat(letter.getOriginalSize()).isEqualTo(4);
    assertThat(letter.getReason()).isEqualTo("bad");
    assertThat(letter.getTopic()).isEqualTo("streamtune.raw");
    assertThat(letter.getPartition()).isEqualTo(1);
    assertThat(letter.getOffset()).isEqualTo(42);
  }

  @Test
  void aRecordNearTheBrokerLimitMakesADeadLetterFarBelowIt() throws Exception {
    // the measured failure: a 950 KB cell, copied once as the original and once in the reason
    char[] cell = new char[950_000];
    Arrays.fill(cell, 'x');
    byte[] value = new byte[960_000];
    String reason = "column 'Income': '" + new String(cell) + "' is not a number";

    DeadLetter letter =
        DeadLetterRecords.of(ORIGIN, "id-2", "id-2".getBytes(), value, "validate", reason, AT);

    assertThat(letter.getOriginalValue()).isNull();
    assertThat(letter.getOriginalSize()).isEqualTo(960_000);
    assertThat(letter.getReason())
        .startsWith("column 'Income': 'xxx")
        .contains("(" + reason.length() + " chars in all)")
        .contains("original value of 960000 bytes not copied")
        .endsWith("read it at streamtune.raw-1@42");
    int encoded = letter.toByteBuffer().remaining();
    assertThat(encoded).isLessThan(DeadLetterRecords.MAX_REASON_CHARS + 1_000);
    assertThat(encoded).isLessThan(BROKER_LIMIT / 100);
  }

  @Test
  void theLargestCopiedOriginalStillFitsTheBrokerLimit() throws Exception {
    byte[] value = new byte[DeadLetterRecords.MAX_ORIGINAL_VALUE_BYTES];
    byte[] key = new byte[DeadLetterRecords.MAX_ORIGINAL_KEY_BYTES];
    DeadLetter letter =
        DeadLetterRecords.of(
            ORIGIN, "r".repeat(10_000), key, value, "validate", "y".repeat(1_000_000), AT);

    assertThat(letter.getOriginalValue().remaining()).isEqualTo(value.length);
    assertThat(letter.getOriginalKey().remaining()).isEqualTo(key.length);
    assertThat(letter.getRecordId()).hasSizeLessThan(DeadLetterRecords.MAX_RECORD_ID_CHARS + 40);
    assertThat(letter.toByteBuffer().remaining()).isLessThan(BROKER_LIMIT / 2);
  }

  @Test
  void anOversizedKeyIsLeftOutAndSaidSo() {
    DeadLetter letter =
        DeadLetterRecords.of(ORIGIN, null, new byte[5_000], null, "deserialize", "bad", AT);

    assertThat(letter.getOriginalKey()).isNull();
    assertThat(letter.getOriginalValue()).isNull();
    assertThat(letter.getOriginalSize()).isNull();
    assertThat(letter.getReason())
        .isEqualTo("bad; original key of 5000 bytes not copied (limit 4096)");
  }

  @Test
  void quotedValuesAreCutAndTheirControlCharactersEscaped() {
    assertThat(DeadLetterRecords.quote("abc")).isEqualTo("abc");
    assertThat(DeadLetterRecords.quote("a\u0000b\nc\u001b")).isEqualTo("a\\u0000b\\u000ac\\u001b");
    String quoted = DeadLetterRecords.quote("z".repeat(2_000_000));
    assertThat(quoted)
        .startsWith("z".repeat(DeadLetterRecords.MAX_QUOTED_CHARS))
        .endsWith("… (2000000 chars in all)")
        .hasSizeLessThan(DeadLetterRecords.MAX_QUOTED_CHARS + 30);
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String emoji = "\uD83D\uDE00";
    String text = "a".repeat(DeadLetterRecords.MAX_QUOTED_CHARS - 1) + emoji + "tail";
    String quoted = DeadLetterRecords.quote(text);
    assertThat(quoted).doesNotContain("\uD83D…");
    assertThat(Character.isHighSurrogate(quoted.charAt(quoted.indexOf('…') - 1))).isFalse();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
