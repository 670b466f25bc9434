package io.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.deadletter.DeadLetterRecords;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IngestOutcomesTest {

  @Test
  void aReaderRejectionDeadLettersAsIngestAlwaysHas() {
    byte[] original = "{broken".getBytes(StandardCharsets.UTF_8);
    Instant at = Instant.parse("2026-01-02T03:04:05Z");

    Outcome.Rejected<RawRecord> rejected =
        (Outcome.Rejected<RawRecord>) IngestOutcomes.rejected("mail:2", original, "not valid JSON");

    assertThat(rejected.stage()).isEqualTo("ingest");
    assertThat(rejected.recordId()).isNull();
    // what RawRecordProducer built itself before the reader's rejection became an Outcome
    assertThat(rejected.deadLetter(at))
        .isEqualTo(
            DeadLetterRecords.of(
                new DeadLetterRecords.Origin("mail:2", -1, -1),
                null,
                null,
                original,
                "ingest",
                "not valid JSON",
                at));
  }
}
