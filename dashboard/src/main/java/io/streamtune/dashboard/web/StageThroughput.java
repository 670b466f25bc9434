package io.streamtune.dashboard.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Records per second of each pipeline topic, derived from readings of its end offset over time: the
 * rate over the last {@link #WINDOW} readings (about half a minute at one reading per 3 s), long
 * enough to smooth the bursts of a transactional job's commits, short enough to follow a change.
 * End offsets also count a transaction's commit markers, so a transactional topic's rate is a
 * little above its record rate. Not thread-safe: {@link DashboardState} guards it.
 */
final class StageThroughput {

  /** How many readings the rate spans. */
  static final int WINDOW = 10;

  private record Reading(long atMillis, Map<String, Long> endOffsets) {}

  private final Deque<Reading> readings = new ArrayDeque<>();

  /** Adds one reading; a reading older than the last one is a caller's bug. */
  void record(long atMillis, Map<String, Long> endOffsets) {
    if (!readings.isEmpty() && atMillis <= readings.getLast().atMillis()) {
      throw new IllegalArgumentException(
          "end offsets read at "
              + atMillis
              + " ms, not after the last reading at "
              + readings.getLast().atMillis()
              + " ms");
    }
    readings.addLast(new Reading(atMillis, new TreeMap<>(endOffsets)));
    while (readings.size() > WINDOW) {
      readings.removeFirst();
    }
  }

  /**
   * One row per topic of the newest reading, by name: {@code topic}, {@code endOffset} (records
   * written so far) and {@code perSecond} (null until the topic is in two readings; never negative:
   * a topic recreated with fewer records counts as idle, not as a negative rate).
   */
  List<Map<String, Object>> rates() {
    List<Map<String, Object>> rows = new ArrayList<>();
    if (readings.isEmpty()) {
      return rows;
    }
    Reading newest = readings.getLast();
    newest
        .endOffsets()
        .forEach(
            (topic, end) -> {
              Map<String, Object> row = new LinkedHashMap<>();
              row.put("topic", topic);
              row.put("endOffset", end);
              row.put("perSecond", perSecond(topic, newest));
              rows.add(row);
            });
    return rows;
  }

  private Double perSecond(String topic, Reading newest) {
    for (Reading oldest : readings) {
      Long start = oldest.endOffsets().get(topic);
      if (start != null) {
        if (oldest == newest) {
          return null;
        }
        long records = Math.max(0, newest.endOffsets().get(topic) - start);
        return records * 1000.0 / (newest.atMillis() - oldest.atMillis());
      }
    }
    return null;
  }
}
