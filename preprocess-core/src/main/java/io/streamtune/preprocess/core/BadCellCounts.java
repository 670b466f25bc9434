package io.streamtune.preprocess.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bad cells per numeric column ({@code preprocess.badValues: missing}): cells that were not numbers
 * and became missing values. Part of the fitted transform, so what was made missing is on record
 * next to the means it was imputed with.
 */
public final class BadCellCounts {

  private final Map<String, Long> counts = new LinkedHashMap<>();

  /** Counts one row's bad cells. */
  public void add(List<String> columns) {
    for (String column : columns) {
      counts.merge(column, 1L, Long::sum);
    }
  }

  /** Column to bad cells, in the order the columns first had one. */
  public Map<String, Long> asMap() {
    return Collections.unmodifiableMap(counts);
  }

  public long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  void save(ObjectNode node) {
    counts.forEach(node::put);
  }

  void load(JsonNode node) {
    counts.clear();
    if (node != null) {
      node.fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
    }
  }
}
