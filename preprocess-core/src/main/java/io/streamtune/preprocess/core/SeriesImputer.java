package io.streamtune.preprocess.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.preprocess.core.steps.Json;
import io.streamtune.spec.PreprocessSpec.ImputeStrategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Forward fill and linear interpolation along each key's sequence of rows (arrival order, which is
 * event-time order for an in-order producer). Only rows that fit (training rows) provide known
 * values, so a holdout value never reaches a training row.
 *
 * <p>ffill fills from the key's last known value. interpolate holds a row with a missing value
 * until the key's next known value arrives and fills it linearly by position between the two (a row
 * with no earlier value takes the next one); a row held longer than {@code maxHold} later rows, or
 * still held at the end of a batch, takes the last known value (or stays missing when there is
 * none).
 *
 * <p>At most {@code maxKeys} keys are remembered: a new key beyond that forgets the least recently
 * seen one (its last values and position); its held rows are released at once with its last known
 * values, as at {@code maxHold}. A forgotten key that returns starts a new series, with no earlier
 * value.
 */
final class SeriesImputer {

  private static final class KeyState {
    long position;
    final double[] lastNumber;
    final String[] lastText;
    final long[] lastPosition;

    KeyState(int columns) {
      lastNumber = new double[columns];
      lastText = new String[columns];
      lastPosition = new long[columns];
      Arrays.fill(lastPosition, -1);
    }
  }

  private static final class Waiting {
    final RowInFlight item;
    final String key;
    final long position;
    final boolean[] unresolved;

    Waiting(RowInFlight item, String key, long position, boolean[] unresolved) {
      this.item = item;
      this.key = key;
      this.position = position;
      this.unresolved = unresolved;
    }

    boolean resolved() {
      for (boolean u : unresolved) {
        if (u) {
          return false;
        }
      }
      return true;
    }
  }

  private final ImputeStrategy strategy;
  private final int[] columns;
  private final boolean[] numeric;
  private final int keyColumn;
  private final boolean keyNumeric;
  private final int maxHold;
  private final int maxKeys;

  /** Key states, least recently seen first (a key is moved to the end on each of its rows). */
  private final LinkedHashMap<String, KeyState> keys = new LinkedHashMap<>();

  private final List<Waiting> waiting = new ArrayList<>();

  SeriesImputer(
      ImputeStrategy strategy,
      int[] columns,
      boolean[] numeric,
      int keyColumn,
      boolean keyNumeric,
      int maxHold,
      int maxKeys) {
    this.strategy = strategy;
    this.columns = columns;
    this.numeric = numeric;
    this.keyColumn = keyColumn;
    this.keyNumeric = keyNumeric;
    this.maxHold = maxHold;
    this.maxKeys = maxKeys;
  }

  private String keyOf(RowInFlight item) {
    if (keyColumn < 0) {
      return "";
    }
    if (keyNumeric) {
      double x = item.frame.numbers[keyColumn];
      return Double.isNaN(x) ? "" : Double.toString(x);
    }
    String text = item.frame.texts[keyColumn];
    return text == null ? "" : text;
  }

  /** Takes one row; returns the rows released by it, in arrival order. */
  List<RowInFlight> accept(RowInFlight item) {
    String key = keyOf(item);
    KeyState state = keys.remove(key);
    if (state == null) {
      state = new KeyState(columns.length);
    }
    keys.put(key, state);
    if (keys.size() > maxKeys) {
      forget(keys.entrySet().iterator());
    }
    long position = ++state.position;
    boolean[] unresolved = new boolean[columns.length];
    boolean waits = false;
    for (int j = 0; j < columns.length; j++) {
      int c = columns[j];
      boolean missing =
          numeric[j] ? Double.isNaN(item.frame.numbers[c]) : item.frame.texts[c] == null;
      if (missing) {
        if (strategy == ImputeStrategy.FFILL) {
          fillFromLast(item, j, state);
        } else {
          unresolved[j] = true;
          waits = true;
        }
        continue;
      }
      if (!item.fits) {
        continue;
      }
      if (strategy == ImputeStrategy.INTERPOLATE) {
        resolveWaiting(key, j, state, item.frame.numbers[c], position);
      }
      state.lastNumber[j] = item.frame.numbers[c];
      state.lastText[j] = item.frame.texts[c];
      state.lastPosition[j] = position;
    }
    if (waits) {
      waiting.add(new Waiting(item, key, position, unresolved));
    }
    List<RowInFlight> released = new ArrayList<>();
    List<Waiting> stillWaiting = new ArrayList<>();
    for (Waiting w : waiting) {
      if (!w.resolved() && w.item.seq <= item.seq - maxHold) {
        forceResolve(w);
      }
      if (w.resolved()) {
        released.add(w.item);
      } else {
        stillWaiting.add(w);
      }
    }
    waiting.clear();
    waiting.addAll(stillWaiting);
    if (!waits) {
      released.add(item);
    }
    released.sort((a, b) -> Long.compare(a.seq, b.seq));
    return released;
  }

  /** Forgets the least recently seen key; its held rows take its last known values. */
  private void forget(Iterator<Map.Entry<String, KeyState>> eldest) {
    Map.Entry<String, KeyState> entry = eldest.next();
    for (Waiting w : waiting) {
      if (w.key.equals(entry.getKey())) {
        fill(w, entry.getValue());
      }
    }
    eldest.remove();
  }

  /** Keys remembered (at most maxKeys). */
  int keys() {
    return keys.size();
  }

  /** Rows waiting for a key's next known value. */
  int waiting() {
    return waiting.size();
  }

  /** Releases every waiting row (end of a batch), filled with the last known values. */
  List<RowInFlight> flush() {
    List<RowInFlight> released = new ArrayList<>();
    for (Waiting w : waiting) {
      forceResolve(w);
      released.add(w.item);
    }
    waiting.clear();
    return released;
  }

  /** Fills a frame from the last known values without changing anything (apply-only use). */
  void fillReadOnly(RowInFlight item) {
    KeyState state = keys.get(keyOf(item));
    if (state == null) {
      return;
    }
    for (int j = 0; j < columns.length; j++) {
      int c = columns[j];
      boolean missing =
          numeric[j] ? Double.isNaN(item.frame.numbers[c]) : item.frame.texts[c] == null;
      if (missing) {
        fillFromLast(item, j, state);
      }
    }
  }

  private void fillFromLast(RowInFlight item, int j, KeyState state) {
    if (state == null || state.lastPosition[j] < 0) {
      return;
    }
    int c = columns[j];
    if (numeric[j]) {
      item.frame.numbers[c] = state.lastNumber[j];
    } else {
      item.frame.texts[c] = state.lastText[j];
    }
  }

  private void resolveWaiting(String key, int j, KeyState state, double next, long nextPosition) {
    for (Waiting w : waiting) {
      if (!w.key.equals(key) || !w.unresolved[j]) {
        continue;
      }
      double value;
      if (state.lastPosition[j] < 0) {
        value = next;
      } else {
        double previous = state.lastNumber[j];
        double fraction =
            (double) (w.position - state.lastPosition[j]) / (nextPosition - state.lastPosition[j]);
        value = previous + (next - previous) * fraction;
      }
      w.item.frame.numbers[columns[j]] = value;
      w.unresolved[j] = false;
    }
  }

  private void forceResolve(Waiting w) {
    fill(w, keys.get(w.key));
  }

  private void fill(Waiting w, KeyState state) {
    for (int j = 0; j < columns.length; j++) {
      if (w.unresolved[j]) {
        fillFromLast(w.item, j, state);
        w.unresolved[j] = false;
      }
    }
  }

  void save(ObjectNode node, Function<RowInFlight, JsonNode> writeItem) {
    node.put("strategy", strategy.name().toLowerCase(java.util.Locale.ROOT));
    ObjectNode keyStates = node.putObject("keys");
    keys.forEach(
        (key, state) -> {
          ObjectNode s = keyStates.putObject(key);
          s.put("position", state.position);
          s.set("lastNumber", Json.array(state.lastNumber));
          s.set("lastText", Json.strings(state.lastText));
          s.set("lastPosition", Json.array(state.lastPosition));
        });
    ArrayNode held = node.putArray("waiting");
    for (Waiting w : waiting) {
      ObjectNode entry = held.addObject();
      entry.put("key", w.key);
      entry.put("position", w.position);
      entry.set("unresolved", Json.array(w.unresolved));
      entry.set("item", writeItem.apply(w.item));
    }
  }

  void load(JsonNode node, Function<JsonNode, RowInFlight> readItem) {
    keys.clear();
    node.get("keys")
        .fields()
        .forEachRemaining(
            entry -> {
              KeyState state = new KeyState(columns.length);
              JsonNode s = entry.getValue();
              state.position = s.get("position").asLong();
              System.arraycopy(
                  Json.doubles(s.get("lastNumber")), 0, state.lastNumber, 0, columns.length);
              System.arraycopy(Json.texts(s.get("lastText")), 0, state.lastText, 0, columns.length);
              System.arraycopy(
                  Json.longs(s.get("lastPosition")), 0, state.lastPosition, 0, columns.length);
              keys.put(entry.getKey(), state);
            });
    waiting.clear();
    for (JsonNode entry : node.get("waiting")) {
      waiting.add(
          new Waiting(
              readItem.apply(entry.get("item")),
              entry.get("key").asText(),
              entry.get("position").asLong(),
              Json.booleans(entry.get("unresolved"))));
    }
    // state saved with a larger maxKeys (or before there was one): forget the least recent keys
    while (keys.size() > maxKeys) {
      forget(keys.entrySet().iterator());
    }
  }
}
