package io.streamtune.ingest;

import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.PreprocessSpec;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes an inferred spec ({@link SpecFromCsv}) as YAML that reads like the hand-written specs in
 * {@code pipelines/}: lowercase values, only the keys that apply, one flow-style line per column,
 * and the evidence of every decision as a comment. Parsed back, it is the same spec.
 */
public final class InferredSpecYaml {

  private static final Pattern PLAIN =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_./ -]*[A-Za-z0-9_.]|[A-Za-z_]");

  /** Plain scalars YAML would read as something other than a string. */
  private static final Set<String> RESERVED =
      Set.of("y", "n", "yes", "no", "true", "false", "on", "off", "null", "~");

  private InferredSpecYaml() {}

  public static String write(String fileName, CsvDataset dataset) {
    PipelineSpec spec = dataset.spec();
    CsvSchema schema = dataset.schema();
    if (!spec.preprocess().steps().equals(PreprocessSpec.defaultSteps())) {
      throw new IllegalArgumentException("only an inferred spec (default steps) is written here");
    }
    StringBuilder y = new StringBuilder();
    CsvProfile profile = schema.profile();
    y.append("# Inferred by `streamtune infer-spec` from ").append(fileName);
    if (profile != null) {
      y.append(": ").append(profile.rows()).append(" rows, ");
      y.append(profile.columns().size()).append(" columns");
      if (profile.shortRows() + profile.longRows() > 0) {
        y.append(", ").append(profile.shortRows()).append(" short rows, ");
        y.append(profile.longRows()).append(" rows with extra cells");
      }
    }
    y.append(".\n# Each comment gives the evidence a decision was made on. Every key not written");
    y.append(" here takes its\n# documented default (README.md, \"Pipeline spec\").\n");
    y.append("name: ").append(scalar(spec.name())).append('\n');
    y.append("modality: tabular\n");
    y.append("label:\n");
    y.append("  column: ").append(scalar(spec.label().column())).append('\n');
    comment(y, "  ", schema.evidence().get(spec.label().column()));
    y.append("  classes: ").append(list(spec.label().classes())).append('\n');
    if (!spec.label().excluded().isEmpty()) {
      line(
          y,
          "  excluded: " + list(spec.label().excluded()),
          "rare labels: their rows are dead letters saying so");
    }
    line(y, "columns:", "feature columns, in feature order");
    spec.columns()
        .forEach(
            (name, column) -> {
              comment(y, "  ", name + ": " + schema.evidence().getOrDefault(name, "declared"));
              y.append("  ").append(scalar(name)).append(": {type: ");
              y.append(column.type().name().toLowerCase(Locale.ROOT));
              if (column.type() == ColumnType.CATEGORICAL) {
                y.append(", categories: ").append(list(column.categories()));
              }
              y.append("}\n");
            });
    schema
        .droppedColumns()
        .forEach(
            (name, why) ->
                comment(
                    y,
                    "  ",
                    "not a feature: "
                        + name
                        + " ("
                        + why
                        + "; "
                        + schema.evidence().getOrDefault(name, "")
                        + ")"));
    y.append("split:\n");
    y.append("  holdoutFraction: ").append(spec.split().holdoutFraction()).append('\n');
    y.append("  salt: ").append(scalar(spec.split().salt())).append('\n');
    line(
        y,
        "  key: " + spec.split().key(),
        profile != null && profile.duplicateRows() > 0
            ? profile.duplicateRows() + " exact duplicate rows: copies of a row stay on one side"
            : "id | content | column NAME (no exact duplicate rows)");
    line(y, "preprocess:", "docs/preprocessing.md lists every step and key");
    line(
        y,
        "  badValues: " + lower(spec.preprocess().badValues()),
        "a numeric cell that is not a number: missing, imputed, counted (or: reject)");
    line(
        y,
        "  unknownColumns: " + lower(spec.preprocess().unknownColumns()),
        spec.preprocess().unknownColumns() == PreprocessSpec.UnknownColumnPolicy.IGNORE
            ? "the columns that are not features are in the file"
            : "a record column not listed above is a dead letter");
    line(y, "  steps:", "applied in order; statistics are fitted on the train split only");
    y.append("    - impute: {strategy: mean}            # numeric columns: the train mean\n");
    y.append("    - impute: {strategy: most_frequent}   # categorical columns: the train mode\n");
    y.append("    - scale: {method: standard}           # (x - mean) / std\n");
    y.append(
        "    - oneHot: {unseenBucket: true}        # spec categories + a slot for unseen ones\n");
    return y.toString();
  }

  /** A key line with its comment aligned like the hand-written specs'. */
  private static void line(StringBuilder y, String text, String comment) {
    y.append(text).append(" ".repeat(Math.max(1, 32 - text.length()))).append("# ");
    y.append(comment).append('\n');
  }

  private static void comment(StringBuilder y, String indent, String text) {
    if (text == null || text.isEmpty()) {
      return;
    }
    y.append(indent).append("# ").append(text.replaceAll("[\\p{Cntrl}]", " ")).append('\n');
  }

  private static String list(List<String> values) {
    return "[" + String.join(", ", values.stream().map(InferredSpecYaml::scalar).toList()) + "]";
  }

  /** A string as a YAML scalar: plain where YAML reads it back as the same string, else quoted. */
  static String scalar(String value) {
    if (PLAIN.matcher(value).matches()
        && !RESERVED.contains(value.toLowerCase(Locale.ROOT))
        && !value.contains(" #")
        && !value.contains(": ")) {
      return value;
    }
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format("\\x%02x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
