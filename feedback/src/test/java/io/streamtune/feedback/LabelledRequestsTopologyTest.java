package io.streamtune.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.schemas.avro.RawRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** requests ⋈ labels → raw, in a TopologyTestDriver (window 600 s, grace 60 s). */
class LabelledRequestsTopologyTest {

  private static final long WINDOW = 600_000;
  private static final long GRACE = 60_000;

  @TempDir Path state;
  private FeedbackDriver feed;

  @BeforeEach
  void start() {
    feed = new FeedbackDriver(FeedbackDriver.config(state));
  }

  @AfterEach
  void stop() {
    feed.close();
  }

  @Test
  void aLabelledRequestGoesBackToRawWithItsLabel() {
    feed.sendRequest("r1", 1_000);
    feed.sendLabel("r1", "yes", 31_000);

    List<KeyValue<String, RawRecord>> out = feed.raw.readKeyValuesToList();

    assertThat(out).hasSize(1);
    assertThat(out.get(0).key).isEqualTo("r1");
    RawRecord expected = FeedbackDriver.request("r1", 1_000);
    RawRecord record = out.get(0).value;
    assertThat(record.getId()).isEqualTo("r1");
    assertThat(record.getLabel()).isEqualTo("yes");
    assertThat(record.getPayload()).isEqualTo(expected.getPayload());
    assertThat(record.getEventTime()).isEqualTo(expected.getEventTime());
    assertThat(record.getSource()).isEqualTo("test");
    assertThat(record.getAttributes()).isEqualTo(Map.of("origin", "serve", "feedback", "true"));
  }

  @Test
  void aLabelWithoutRequestAndARequestWithoutLabelGiveNothing() {
    feed.sendLabel("nobody-asked", "yes", 1_000);
    feed.sendRequest("never-labelled", 2_000);
    // stream time far past both windows and their grace
    feed.sendRequest("later", 10 * WINDOW);
    feed.sendLabel("later-label-only", "no", 10 * WINDOW);

    assertThat(feed.raw.isEmpty()).isTrue();
  }

  @Test
  void theFirstLabelWins() {
    feed.sendRequest("r1", 1_000);
    feed.sendLabel("r1", "yes", 2_000);
    feed.sendLabel("r1", "no", 3_000);
    feed.sendLabel("r1", "yes", 4_000);

    List<RawRecord> out = feed.raw.readValuesToList();

    assertThat(out).extracting(RawRecord::getLabel).containsExactly("yes");
  }

  @Test
  void aLateLabelWithinGraceJoinsOneAfterTheWindowDoesNot() {
    feed.sendRequest("in-window", 0);
    feed.sendRequest("too-late", 0);
    // the label of too-late comes 1 ms after its window
    feed.sendLabel("too-late", "no", WINDOW + 1);
    // stream time moves on by less than the grace; then an out-of-order label inside the window
    feed.sendRequest("other", WINDOW + GRACE / 2);
    feed.sendLabel("in-window", "yes", WINDOW - 10_000);

    List<RawRecord> out = feed.raw.readValuesToList();

    assertThat(out).extracting(RawRecord::getId).containsExactly("in-window");
  }

  @Test
  void withoutGraceTheSameOutOfOrderLabelIsDropped() {
    feed.close();
    feed =
        new FeedbackDriver(
            FeedbackDriver.config(state)
                .withJoin(java.time.Duration.ofMillis(WINDOW), java.time.Duration.ZERO));
    feed.sendRequest("in-window", 0);
    feed.sendRequest("other", WINDOW + GRACE / 2);
    feed.sendLabel("in-window", "yes", WINDOW - 10_000);

    assertThat(feed.raw.isEmpty()).isTrue();
  }

  @Test
  void aLabelLaterThanTheGraceIsDropped() {
    feed.sendRequest("r1", 0);
    // stream time moves past the request's window and grace
    feed.sendRequest("other", WINDOW + GRACE + 1_000);
    feed.sendLabel("r1", "yes", WINDOW - 1_000);

    assertThat(feed.raw.isEmpty()).isTrue();
  }
}
