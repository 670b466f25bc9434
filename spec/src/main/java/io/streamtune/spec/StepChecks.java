package io.streamtune.spec;

import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.PreprocessSpec.Feature;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The checks the step specs share; each message names the key it is about. */
final class StepChecks {

  private StepChecks() {}

  static List<String> names(List<Feature> input, ColumnType type) {
    return input.stream().filter(f -> f.type() == type).map(Feature::name).toList();
  }

  /** The named features (default: all of {@code only}, or all), checked to exist and fit. */
  static List<Feature> resolve(
      List<String> columns, List<Feature> input, ColumnType only, String key) {
    if (columns == null) {
      return input.stream().filter(f -> only == null || f.type() == only).toList();
    }
    Set<String> unique = new LinkedHashSet<>(columns);
    if (unique.size() != columns.size()) {
      throw new SpecException(key + ".columns has duplicates");
    }
    List<Feature> resolved = new ArrayList<>();
    for (String name : columns) {
      Feature feature =
          input.stream()
              .filter(f -> f.name().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new SpecException(
                          key
                              + ".columns names '"
                              + name
                              + "', which is not a feature at this step; features here: "
                              + input.stream().map(Feature::name).toList()));
      if (only != null && feature.type() != only) {
        throw new SpecException(
            key
                + ".columns names '"
                + name
                + "', which is "
                + feature.type().name().toLowerCase(Locale.ROOT)
                + "; this step needs "
                + only.name().toLowerCase(Locale.ROOT)
                + " columns");
      }
      resolved.add(feature);
    }
    return resolved;
  }

  static List<Feature> numericColumns(List<String> columns, List<Feature> input, String key) {
    return resolve(columns, input, ColumnType.NUMERIC, key);
  }

  static List<Feature> categoricalColumns(List<String> columns, List<Feature> input, String key) {
    return resolve(columns, input, ColumnType.CATEGORICAL, key);
  }

  static void requireAllNumeric(List<Feature> input, String key) {
    for (Feature feature : input) {
      if (!feature.isNumeric()) {
        throw new SpecException(
            key
                + " needs numeric features only, but '"
                + feature.name()
                + "' is still categorical; put a oneHot or hash step before it");
      }
    }
  }

  static void requireUniqueNames(List<Feature> output, String key) {
    Set<String> seen = new HashSet<>();
    for (Feature feature : output) {
      if (!seen.add(feature.name())) {
        throw new SpecException(key + " makes a second feature named '" + feature.name() + "'");
      }
    }
  }

  static void requirePositive(String key, Double value) {
    if (!(value > 0)) {
      throw new SpecException(key + " must be > 0, got " + value);
    }
  }

  static void requireAtLeast(String key, Integer value, int min) {
    if (value == null || value < min) {
      throw new SpecException(key + " must be >= " + min + ", got " + value);
    }
  }

  static void requireBetween(String key, Integer value, int min, int max) {
    if (value == null || value < min || value > max) {
      throw new SpecException(key + " must be in [" + min + ", " + max + "], got " + value);
    }
  }

  static boolean isFiniteNumber(String text) {
    try {
      return Double.isFinite(Double.parseDouble(text.trim()));
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
