package io.streamtune.preprocess.core;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TabularPayload;
import io.streamtune.schemas.avro.TextPayload;
import io.streamtune.schemas.deadletter.DeadLetterRecords;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpec.SplitSpec;
import io.streamtune.spec.PreprocessSpec.BadValuePolicy;
import io.streamtune.spec.PreprocessSpec.UnknownColumnPolicy;
import io.streamtune.spec.StepSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks a decoded raw record against the pipeline spec and turns its cells into typed values.
 *
 * <p>Rules: the payload must be tabular; the label must be one of the spec's classes; a numeric
 * cell may be a finite number or a string that parses as one; a categorical cell may be a string, a
 * number or a boolean (numbers and booleans become their string form); a spec column that is
 * absent, null or blank is missing and imputed later; a column the spec does not know is an error
 * unless {@code preprocess.unknownColumns: ignore}; a category outside the spec is kept for the
 * unseen slot unless a oneHot step without {@code unseenBucket} encodes the column, where it is an
 * error. A numeric cell that is not a finite number ("abc", "1e400", "-inf", a boolean) is an error
 * under {@code badValues: reject} and a missing value, listed in {@link ValidatedRow#badCells()},
 * under {@code badValues: missing} (per column, {@code columns.X.badValues} overrides the section).
 * An infinite value ("inf", "-Infinity", "1e400") in a column whose first step clips it (clip,
 * iqrClip, winsorize) is no bad cell but an outlier: it reaches that step as the largest finite
 * double of its sign and is clipped there. A label in {@code label.excluded} is an error that says
 * it is excluded. Every problem of a record is reported, not only the first.
 */
public final class RecordValidator {

  private final TabularLayout layout;
  private final String labelColumn;
  private final List<String> classes;
  private final UnknownColumnPolicy unknownColumns;
  private final Set<String> knownColumns = new HashSet<>();
  private final boolean labelRequired;
  private final List<String> excludedLabels;

  /** Per numeric column (layout index): a bad cell becomes missing instead of rejecting the row. */
  private final boolean[] badToMissing;

  /** Per numeric column: its first step is a clip, so ±Inf goes to that step as an outlier. */
  private final boolean[] clipsInfinity;

  private final SplitSpec.KeyKind splitKey;
  private final String splitColumn;

  /** For training and holdout records: every record must carry one of the spec's classes. */
  public RecordValidator(PipelineSpec spec) {
    this(spec, true);
  }

  /**
   * @param labelRequired false for requests to a served model, which come without a label: a
   *     missing label is then accepted (label {@code ""}, index -1); a label that is present must
   *     still be one of the spec's classes, and every other rule is the same
   */
  public RecordValidator(PipelineSpec spec, boolean labelRequired) {
    this.labelRequired = labelRequired;
    this.layout = TabularLayout.of(spec);
    this.labelColumn = spec.label().column();
    this.classes = spec.label().classes();
    this.unknownColumns = spec.preprocess().unknownColumns();
    this.excludedLabels = spec.label().excluded();
    knownColumns.add(labelColumn);
    layout.columns().forEach(column -> knownColumns.add(column.name()));
    this.badToMissing = new boolean[layout.numericCount()];
    for (TabularLayout.Column column : layout.numericColumns()) {
      badToMissing[column.index()] =
          spec.preprocess().badValuesOf(spec.columns().get(column.name()))
              == BadValuePolicy.MISSING;
    }
    this.clipsInfinity = new boolean[layout.numericCount()];
    for (TabularLayout.Column column : layout.numericColumns()) {
      clipsInfinity[column.index()] = firstStepClips(spec, column.name());
    }
    this.splitKey = spec.split().keyKind();
    this.splitColumn = spec.split().keyColumn();
    if (splitKey == SplitSpec.KeyKind.COLUMN) {
      knownColumns.add(splitColumn);
    }
  }

  public Outcome<ValidatedRow> validate(RawRecord record) {
    Object payload = record.getPayload();
    if (!(payload instanceof TabularPayload tabular)) {
      return Outcome.rejected(
          DeadLetters.STAGE_VALIDATE,
          "wrong payload type: expected tabular, got " + payloadKind(payload),
          record.getId());
    }
    Map<String, Object> values = tabular.getValues() == null ? Map.of() : tabular.getValues();
    List<String> problems = new ArrayList<>();

    String id = record.getId();
    if (id == null || id.isBlank()) {
      problems.add("blank record id");
    }
    Map<String, String> attributes = record.getAttributes();
    String malformed =
        attributes == null ? null : attributes.get(DeadLetterRecords.MALFORMED_ATTRIBUTE);
    if (malformed != null) {
      problems.add("malformed: " + malformed);
    }

    String label = labelOf(record, values);
    int labelIndex = -1;
    if (label == null || label.isBlank()) {
      if (labelRequired) {
        problems.add("missing label (column '" + labelColumn + "')");
      } else {
        label = "";
      }
    } else {
      labelIndex = classes.indexOf(label);
      if (labelIndex < 0 && excludedLabels.contains(label)) {
        problems.add(
            "label '"
                + DeadLetterRecords.quote(label)
                + "' is excluded from the classes (label.excluded: too rare to learn)");
      } else if (labelIndex < 0) {
        // quoted: a label of control characters or megabytes must not go into the reason as is
        problems.add(
            "unknown label '" + DeadLetterRecords.quote(label) + "'; expected one of " + classes);
      }
    }

    double[] numerics = new double[layout.numericCount()];
    List<String> badCells = null;
    for (TabularLayout.Column column : layout.numericColumns()) {
      int before = problems.size();
      double x = numeric(column.name(), values.get(column.name()), problems);
      if (Double.isInfinite(x) && clipsInfinity[column.index()]) {
        // the column's first step clips it: an infinite value is an outlier like any other, and
        // the largest finite double keeps the step's statistics finite
        problems.subList(before, problems.size()).clear();
        x = Math.copySign(Double.MAX_VALUE, x);
      } else if (problems.size() > before && badToMissing[column.index()]) {
        // the cell's problem is not the record's: the cell is missing, imputed, and counted
        problems.subList(before, problems.size()).clear();
        badCells = badCells == null ? new ArrayList<>() : badCells;
        badCells.add(column.name());
        x = Double.NaN;
      }
      numerics[column.index()] = x;
    }
    String[] categoricals = new String[layout.categoricalCount()];
    for (TabularLayout.Column column : layout.categoricalColumns()) {
      categoricals[column.index()] = category(column, values.get(column.name()), problems);
    }

    if (unknownColumns == UnknownColumnPolicy.REJECT) {
      List<String> unknown = null;
      for (String name : values.keySet()) {
        if (!knownColumns.contains(name)) {
          unknown = unknown == null ? new ArrayList<>() : unknown;
          unknown.add(name);
        }
      }
      if (unknown != null) {
        // sorted so the reason is the same whatever order the map iterates in
        unknown.stream().sorted().forEach(name -> problems.add("unknown column '" + name + "'"));
      }
    }

    if (!problems.isEmpty()) {
      return Outcome.rejected(
          DeadLetters.STAGE_VALIDATE, String.join("; ", problems), record.getId());
    }
    long eventTime = record.getEventTime() == null ? 0L : record.getEventTime().toEpochMilli();
    return Outcome.accepted(
        new ValidatedRow(
            id,
            eventTime,
            label,
            labelIndex,
            numerics,
            categoricals,
            null,
            null,
            splitKeyOf(id, values, numerics, categoricals),
            badCells));
  }

  /**
   * The split key of {@code split.key}: null for the id; the feature cells for content (so exact
   * copies under other ids hash alike; the label is left out, so copies whose labels disagree stay
   * together too); the group column's value, or the id when a row has none (its own group).
   */
  private String splitKeyOf(
      String id, Map<String, Object> values, double[] numerics, String[] categoricals) {
    return switch (splitKey) {
      case ID -> null;
      case CONTENT -> contentSplitKey(numerics, categoricals);
      case COLUMN -> {
        Object group = values.get(splitColumn);
        String text = group == null ? "" : group.toString().trim();
        yield text.isEmpty() ? id : "group\u001f" + text;
      }
    };
  }

  /** The split key of {@code split.key: content}: the feature cells, each after a separator. */
  static String contentSplitKey(double[] numerics, String[] categoricals) {
    StringBuilder content = new StringBuilder("content");
    for (double x : numerics) {
      content.append('\u001f').append(x);
    }
    for (String category : categoricals) {
      content.append('\u001f').append(category == null ? "\u0000" : category);
    }
    return content.toString();
  }

  /**
   * Whether the first step after the dropMissing steps is a clip, iqrClip or winsorize step over
   * the column: then no statistic sees an infinite value before it is clipped. A zscoreClip is not
   * one (its mean and standard deviation would take the value in), nor a clip behind any other
   * step.
   */
  private static boolean firstStepClips(PipelineSpec spec, String column) {
    for (StepSpec step : spec.preprocess().steps()) {
      if (step instanceof StepSpec.DropMissing) {
        continue;
      }
      List<String> columns =
          step instanceof StepSpec.Clip clip
              ? clip.columns()
              : step instanceof StepSpec.IqrClip iqr
                  ? iqr.columns()
                  : step instanceof StepSpec.Winsorize winsorize ? winsorize.columns() : List.of();
      return columns == null || columns.contains(column);
    }
    return false;
  }

  /** The record's label, or the label column among the cells when a producer put it there. */
  private String labelOf(RawRecord record, Map<String, Object> values) {
    if (record.getLabel() != null) {
      return record.getLabel();
    }
    Object cell = values.get(labelColumn);
    return cell instanceof CharSequence text ? text.toString().trim() : null;
  }

  /** The spellings of ±infinity a CSV or a JSON producer writes. */
  private static final java.util.regex.Pattern INFINITY =
      java.util.regex.Pattern.compile("(?i)[+-]?(inf|infinity)");

  /** Longest text parsed as a number; {@code BigDecimal} reads any length, slowly. */
  static final int MAX_NUMBER_CHARS = 400;

  /** A cell's text as a reason quotes it: in quotes, cut and escaped. */
  private static String quote(String text) {
    return "'" + DeadLetterRecords.quote(text) + "'";
  }

  private static double numeric(String column, Object value, List<String> problems) {
    if (value == null) {
      return Double.NaN;
    }
    if (value instanceof Boolean) {
      problems.add("column '" + column + "': wrong type boolean, expected numeric");
      return Double.NaN;
    }
    if (value instanceof Number number) {
      double x = number.doubleValue();
      if (!Double.isFinite(x)) {
        problems.add("column '" + column + "': " + x + " is not a finite number");
      }
      return x;
    }
    if (value instanceof CharSequence chars) {
      String text = chars.toString().trim();
      if (text.isEmpty()) {
        return Double.NaN;
      }
      if (text.length() > MAX_NUMBER_CHARS) {
        // no number needs this many characters; parsing a megabyte of digits only costs time
        problems.add("column '" + column + "': " + quote(text) + " is not a number (too long)");
        return Double.NaN;
      }
      if (INFINITY.matcher(text).matches()) {
        problems.add("column '" + column + "': " + quote(text) + " is infinite");
        return text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      }
      double x;
      try {
        // BigDecimal, not Double.parseDouble: it refuses "NaN", "Infinity", "1f" and hex floats
        x = new BigDecimal(text).doubleValue();
      } catch (NumberFormatException e) {
        problems.add("column '" + column + "': " + quote(text) + " is not a number");
        return Double.NaN;
      }
      if (!Double.isFinite(x)) {
        problems.add(
            "column '" + column + "': " + quote(text) + " is out of the range of a double");
      }
      return x;
    }
    problems.add("column '" + column + "': wrong type " + typeName(value) + ", expected numeric");
    return Double.NaN;
  }

  private String category(TabularLayout.Column column, Object value, List<String> problems) {
    String text;
    if (value == null) {
      return null;
    } else if (value instanceof CharSequence chars) {
      text = chars.toString().trim();
      if (text.isEmpty()) {
        return null;
      }
    } else if (value instanceof Double || value instanceof Float) {
      double x = ((Number) value).doubleValue();
      if (!Double.isFinite(x)) {
        problems.add("column '" + column.name() + "': " + x + " is not a category");
        return null;
      }
      // 3.0 and 3 name the same category; a CSV reader may have produced either
      text = x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    } else if (value instanceof Number || value instanceof Boolean) {
      text = value.toString();
    } else {
      problems.add(
          "column '"
              + column.name()
              + "': wrong type "
              + typeName(value)
              + ", expected categorical");
      return null;
    }
    int known = layout.categoryIndex(column.index(), text);
    if (known >= 0) {
      // the spec's own (interned) string: its hash is computed once, and every later lookup of the
      // category (impute counts, one-hot, the reference profile) finds it by identity
      return column.categories().get(known);
    }
    if (!layout.acceptsUnseen(column.index())) {
      problems.add(
          "column '"
              + column.name()
              + "': unknown category "
              + quote(text)
              + "; expected one of "
              + column.categories());
      return null;
    }
    return text;
  }

  private static String payloadKind(Object payload) {
    if (payload instanceof TextPayload) {
      return "text";
    }
    if (payload instanceof ImagePayload) {
      return "image";
    }
    return payload == null ? "none" : payload.getClass().getSimpleName();
  }

  private static String typeName(Object value) {
    return value.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }
}
