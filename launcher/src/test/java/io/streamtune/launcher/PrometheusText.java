package io.streamtune.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** A scrape in the Prometheus text format, parsed to samples: enough for tests to read values. */
record PrometheusText(List<Sample> samples) {

  /** One sample line: {@code name{labels} value}. */
  record Sample(String name, String labels, double value) {}

  static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      int nameEnd = brace >= 0 && brace < space ? brace : line.indexOf(' ');
      String name = line.substring(0, nameEnd);
      String labels =
          brace >= 0 && brace < space ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
      samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
    }
    return new PrometheusText(List.copyOf(samples));
  }

  Set<String> names() {
    Set<String> names = new TreeSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }

  /** The sum of {@code name}'s samples whose labels contain every one of {@code labels}. */
  double sum(String name, String... labels) {
    double sum = 0;
    boolean found = false;
    for (Sample sample : samples) {
      if (sample.name().equals(name) && containsAll(sample.labels(), labels)) {
        sum += sample.value();
        found = true;
      }
    }
    if (!found) {
      throw new AssertionError("no sample " + name + " with " + List.of(labels) + " in " + names());
    }
    return sum;
  }

  /** The largest of {@code name}'s samples with {@code labels} (NaN samples skipped). */
  double max(String name, String... labels) {
    double max = Double.NEGATIVE_INFINITY;
    for (Sample sample : samples) {
      if (sample.name().equals(name)
          && containsAll(sample.labels(), labels)
          && !Double.isNaN(sample.value())) {
        max = Math.max(max, sample.value());
      }
    }
    if (max == Double.NEGATIVE_INFINITY) {
      throw new AssertionError("no sample " + name + " with " + List.of(labels) + " in " + names());
    }
    return max;
  }

  private static boolean containsAll(String labelText, String... labels) {
    for (String label : labels) {
      if (!labelText.contains(label)) {
        return false;
      }
    }
    return true;
  }
}
