package io.streamtune.launcher;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.schemas.avro.Label;
import io.streamtune.schemas.avro.RawRecord;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A dataset as prequential ("test-then-train") traffic: each record becomes a request without its
 * label, and its label is handed to {@code labels} once {@code labelDelay} more records have been
 * requested (the rest when the input ends). The labels then join their requests in the feedback app
 * and flow into training, so every record is predicted before any version trained on it.
 *
 * <p>{@code recordsBefore} records of the input came before this feed's first (a warm start sent
 * straight to training). With {@code driftAt} > 0 the concept changes after that many records of
 * the input: each later label is replaced by the next class in the spec's order (two classes:
 * swapped), a known change point for the drift detectors.
 */
final class PrequentialFeed implements Iterator<Outcome<RawRecord>> {

  private final Iterator<Outcome<RawRecord>> items;
  private final int labelDelay;
  private final long driftAt;
  private final List<String> classes;
  private final Consumer<Label> labels;
  private final Clock clock;
  private final ArrayDeque<Label> pending = new ArrayDeque<>();
  private final java.util.List<String> requestOrder = new java.util.ArrayList<>();
  private final long recordsBefore;
  private long requests;
  private long labelsSent;
  private boolean flushed;

  PrequentialFeed(
      Iterator<Outcome<RawRecord>> items,
      long recordsBefore,
      int labelDelay,
      long driftAt,
      List<String> classes,
      Consumer<Label> labels,
      Clock clock) {
    if (labelDelay < 0) {
      throw new IllegalArgumentException("--label-delay must be at least 0, got " + labelDelay);
    }
    this.items = Objects.requireNonNull(items, "items");
    this.recordsBefore = recordsBefore;
    this.labelDelay = labelDelay;
    this.driftAt = driftAt;
    this.classes = List.copyOf(classes);
    this.labels = labels;
    this.clock = clock;
  }

  @Override
  public boolean hasNext() {
    if (items.hasNext()) {
      return true;
    }
    if (!flushed) {
      flushed = true;
      while (!pending.isEmpty()) {
        send(pending.poll());
      }
    }
    return false;
  }

  @Override
  public Outcome<RawRecord> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Outcome<RawRecord> item = items.next();
    if (!(item instanceof Outcome.Accepted<RawRecord> accepted)) {
      return item;
    }
    RawRecord record = accepted.value();
    requests++;
    requestOrder.add(record.getId());
    if (record.getLabel() != null) {
      pending.add(
          Label.newBuilder()
              .setRecordId(record.getId())
              .setLabel(conceptAt(recordsBefore + requests, record.getLabel(), driftAt, classes))
              .setLabelledAt(clock.instant())
              .build());
    }
    while (pending.size() > labelDelay) {
      send(pending.poll());
    }
    return Outcome.accepted(RawRecord.newBuilder(record).setLabel(null).build());
  }

  /**
   * The label the world gives record number {@code index} (1-based, counted over the whole input):
   * changed after {@code driftAt} (0: never).
   */
  static String conceptAt(long index, String label, long driftAt, List<String> classes) {
    if (driftAt <= 0 || index <= driftAt) {
      return label;
    }
    int at = classes.indexOf(label);
    return at < 0 ? label : classes.get((at + 1) % classes.size());
  }

  private void send(Label label) {
    labels.accept(label);
    labelsSent++;
  }

  long requests() {
    return requests;
  }

  /** Record ids in the order they were requested. */
  List<String> requestOrder() {
    return java.util.Collections.unmodifiableList(requestOrder);
  }

  long labelsSent() {
    return labelsSent;
  }
}
