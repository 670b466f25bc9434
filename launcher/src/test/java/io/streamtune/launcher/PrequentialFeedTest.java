package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.schemas.avro.Label;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TabularPayload;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrequentialFeedTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC);

  private static Outcome<RawRecord> record(int i, String label) {
    return Outcome.accepted(
        RawRecord.newBuilder()
            .setId("r" + i)
            .setEventTime(CLOCK.instant())
            .setSource("test")
            .setLabel(label)
            .setPayload(
                TabularPayload.newBuilder().setValues(Map.of("x", (Object) (double) i)).build())
            .setAttributes(Map.of())
            .build());
  }

  /** Drains the feed, noting after each request which labels had been sent. */
  private static List<String> drain(PrequentialFeed feed, List<Label> labels) {
    List<String> timeline = new ArrayList<>();
    while (feed.hasNext()) {
      Outcome<RawRecord> item = feed.next();
      if (item instanceof Outcome.Accepted<RawRecord> accepted) {
        assertThat(accepted.value().getLabel()).as("a request carries no label").isNull();
        timeline.add(accepted.value().getId() + ":" + labels.size());
      } else {
        timeline.add("rejected:" + labels.size());
      }
    }
    return timeline;
  }

  @Test
  void eachLabelFollowsItsRequestAfterTheDelayAndTheRestAtTheEnd() {
    List<Label> labels = new ArrayList<>();
    List<Outcome<RawRecord>> items = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      items.add(record(i, i % 2 == 0 ? "yes" : "no"));
    }
    items.add(
        2,
        new Outcome.Rejected<>(
            "ingest", "unreadable line", null, new RawEnvelope("file:3", -1, -1, null, null)));
    PrequentialFeed feed =
        new PrequentialFeed(items.iterator(), 0, 2, 0, List.of("no", "yes"), labels::add, CLOCK);

    List<String> timeline = drain(feed, labels);

    // r1's label goes once r3 is requested (two later requests), and so on
    assertThat(timeline).containsExactly("r1:0", "r2:0", "rejected:0", "r3:1", "r4:2", "r5:3");
    assertThat(labels.stream().map(Label::getRecordId))
        .containsExactly("r1", "r2", "r3", "r4", "r5");
    assertThat(labels.stream().map(Label::getLabel))
        .containsExactly("no", "yes", "no", "yes", "no");
    assertThat(feed.requests()).isEqualTo(5);
    assertThat(feed.labelsSent()).isEqualTo(5);
  }

  @Test
  void afterTheDriftPointEveryLabelMovesToTheNextClass() {
    // one record of the input went before the feed (a warm start): the change after record 4 of
    // the input is after the feed's third
    List<Label> labels = new ArrayList<>();
    List<Outcome<RawRecord>> items = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      items.add(record(i, i % 2 == 0 ? "yes" : "no"));
    }
    PrequentialFeed feed =
        new PrequentialFeed(items.iterator(), 1, 0, 4, List.of("no", "yes"), labels::add, CLOCK);

    drain(feed, labels);

    assertThat(labels.stream().map(Label::getLabel))
        .containsExactly("no", "yes", "no", "no", "yes", "no");
  }

  @Test
  void aNegativeDelayIsRefused() {
    assertThatThrownBy(
            () ->
                new PrequentialFeed(
                    List.<Outcome<RawRecord>>of().iterator(), 0, -1, 0, List.of(), l -> {}, CLOCK))
        .hasMessageContaining("--label-delay must be at least 0");
  }
}
