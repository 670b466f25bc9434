package io.streamtune.ingest;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The data-quality report of {@code streamtune profile}: per column its inferred type (with the
 * reason), missing share, cells that are not numbers (with examples), distinct values,
 * min/quartiles/max, IQR outliers and top categories; the label's balance; suspected ids and leaks
 * (a column equal to the label, or whose every value goes with one label). As a text table,
 * Markdown (histograms as SVG files beside it) and HTML (histograms inline). The facts are those
 * {@code infer-spec} writes into its comments: the same {@link CsvProfile}.
 */
public final class ProfileReport {

  /** Bars of a histogram. */
  static final int BINS = 20;

  /**
   * @param leaks column to why it looks like a leak of the label
   */
  public record Facts(
      String fileName,
      CsvProfile profile,
      String label,
      Map<String, String> types,
      Map<String, String> leaks) {}

  private ProfileReport() {}

  /** Profiles the file; {@code label} (may be null) adds its balance and the leak check. */
  public static Facts of(Path file, String label, CsvSchemaInference.Settings settings) {
    CsvProfile profile;
    try (Reader reader = CsvDataset.reader(file)) {
      profile = CsvProfile.read(reader, CsvFormat.defaults(), null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (label != null && profile.column(label) == null) {
      throw new IngestException(
          "label column '" + label + "' is not in the CSV header " + profile.header());
    }
    CsvSchemaInference inference = new CsvSchemaInference(CsvFormat.defaults(), settings);
    Map<String, String> types = new LinkedHashMap<>();
    profile
        .columns()
        .forEach(
            (name, column) ->
                types.put(name, name.equals(label) ? "label" : inference.describe(column)));
    Map<String, String> leaks = label == null ? Map.of() : leaks(file, profile, label);
    return new Facts(file.getFileName().toString(), profile, label, types, leaks);
  }

  /** A second pass: which value of each column goes with which labels. */
  private static Map<String, String> leaks(Path file, CsvProfile profile, String label) {
    List<String> header = profile.header();
    int labelAt = header.indexOf(label);
    List<Map<String, String>> labelOf = new ArrayList<>();
    boolean[] conflict = new boolean[header.size()];
    boolean[] equal = new boolean[header.size()];
    for (int i = 0; i < header.size(); i++) {
      labelOf.add(new HashMap<>());
      equal[i] = true;
    }
    CsvFormat format = CsvFormat.defaults();
    try (Reader reader = CsvDataset.reader(file);
        CSVParser parser = format.commonsFormat().parse(reader)) {
      for (CSVRecord record : parser) {
        if (labelAt >= record.size() || format.isMissing(record.get(labelAt))) {
          continue;
        }
        String y = record.get(labelAt).trim();
        for (int i = 0; i < header.size() && i < record.size(); i++) {
          String cell = record.get(i).trim();
          equal[i] &= cell.equals(y);
          if (conflict[i] || format.isMissing(cell) || labelOf.get(i).size() > 10_000) {
            continue;
          }
          String before = labelOf.get(i).putIfAbsent(cell, y);
          conflict[i] = before != null && !before.equals(y);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> leaks = new LinkedHashMap<>();
    for (int i = 0; i < header.size(); i++) {
      ColumnProfile column = profile.column(header.get(i));
      if (i == labelAt || column.nonMissing() == 0) {
        continue;
      }
      if (equal[i]) {
        leaks.put(header.get(i), "equal to the label in every row");
      } else if (!conflict[i]
          && column.distinct() >= 2
          && column.distinct() <= column.nonMissing() / 5) {
        leaks.put(
            header.get(i), "each of its " + column.distinct() + " values goes with a single label");
      }
    }
    return leaks;
  }

  // ------------------------------------------------------------------ text

  private static final String[] HEAD = {
    "column",
    "type",
    "missing",
    "not numbers",
    "distinct",
    "min",
    "q1",
    "median",
    "q3",
    "max",
    "IQR outliers",
    "top values"
  };

  /** One row of cells per column, as every format shows them. */
  static List<String[]> rows(Facts facts) {
    List<String[]> rows = new ArrayList<>();
    facts
        .profile()
        .columns()
        .forEach(
            (name, c) -> {
              ColumnProfile.NumericSummary s = c.numbers() > 0 ? c.numericSummary() : null;
              boolean numeric = facts.types().get(name).startsWith("numeric");
              rows.add(
                  new String[] {
                    name,
                    facts.types().get(name).split(":", 2)[0],
                    String.format(
                        Locale.ROOT,
                        "%d (%.1f%%)",
                        c.missing(),
                        100.0 * c.missing() / Math.max(1, c.cells())),
                    c.numbers() == 0
                        ? "-"
                        : c.notNumbers()
                            + (c.badExamples().isEmpty()
                                ? ""
                                : " e.g. '" + String.join("', '", c.badExamples()) + "'"),
                    String.valueOf(c.distinct()),
                    s == null ? "-" : number(s.min()),
                    s == null ? "-" : number(s.q1()),
                    s == null ? "-" : number(s.median()),
                    s == null ? "-" : number(s.q3()),
                    s == null ? "-" : number(s.max()),
                    s == null ? "-" : String.valueOf(s.outliers()),
                    numeric ? "-" : top(c, 3)
                  });
            });
    return rows;
  }

  private static String top(ColumnProfile c, int k) {
    List<String> parts = new ArrayList<>();
    c.top(k).forEach((value, n) -> parts.add(ColumnProfile.example(value) + " " + n));
    return String.join(", ", parts);
  }

  static String number(double x) {
    if (x == Math.rint(x) && Math.abs(x) < 1e15) {
      return Long.toString((long) x);
    }
    return String.format(Locale.ROOT, "%.4g", x);
  }

  /** Label balance, suspected ids and leaks, and the file's shape, as lines. */
  static List<String> findings(Facts facts) {
    List<String> lines = new ArrayList<>();
    CsvProfile p = facts.profile();
    lines.add(
        String.format(
            Locale.ROOT,
            "%s: %d rows, %d columns; %d exact duplicate rows; %d short rows, %d with extra cells",
            facts.fileName(),
            p.rows(),
            p.columns().size(),
            p.duplicateRows(),
            p.shortRows(),
            p.longRows()));
    if (facts.label() != null) {
      ColumnProfile label = p.column(facts.label());
      List<String> balance = new ArrayList<>();
      label
          .top(50)
          .forEach(
              (value, n) ->
                  balance.add(
                      String.format(
                          Locale.ROOT,
                          "%s %d (%.1f%%)",
                          ColumnProfile.example(value),
                          n,
                          100.0 * n / Math.max(1, label.nonMissing()))));
      lines.add(
          "label "
              + facts.label()
              + ": "
              + String.join(", ", balance)
              + "; "
              + label.missing()
              + " missing");
    }
    facts
        .types()
        .forEach(
            (name, type) -> {
              if (type.startsWith("not a feature: an id")) {
                lines.add("suspected id: " + name + " (" + type.substring(15) + ")");
              } else if (type.startsWith("not a feature")) {
                lines.add("not a feature: " + name + " (" + type.substring(15) + ")");
              }
            });
    facts.leaks().forEach((name, why) -> lines.add("suspected leak: " + name + " (" + why + ")"));
    return lines;
  }

  /** The table as aligned text, then the findings. */
  public static String text(Facts facts) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEAD);
    rows.addAll(rows(facts));
    int[] widths = new int[HEAD.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.min(48, Math.max(widths[i], row[i].length()));
      }
    }
    StringBuilder out = new StringBuilder();
    for (String line : findings(facts)) {
      out.append(line).append('\n');
    }
    out.append('\n');
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        String cell = row[i].length() > 48 ? row[i].substring(0, 45) + "..." : row[i];
        out.append(i == 0 ? "" : "  ").append(cell);
        out.append(" ".repeat(i == row.length - 1 ? 0 : widths[i] - cell.length()));
      }
      out.append('\n');
    }
    return out.toString();
  }

  // ------------------------------------------------------------------ Markdown and HTML

  /**
   * Writes {@code profile.md} (with one {@code hist-N.svg} per column beside it) and {@code
   * profile.html} (histograms inline) into {@code dir}; returns the two report files.
   */
  public static List<Path> write(Facts facts, Path dir) throws IOException {
    Files.createDirectories(dir);
    StringBuilder md =
        new StringBuilder("# Data profile: ").append(facts.fileName()).append("\n\n");
    StringBuilder html =
        new StringBuilder("<!doctype html><meta charset=\"utf-8\"><title>Data profile: ")
            .append(escape(facts.fileName()))
            .append(
                "</title><style>body{font-family:sans-serif}table{border-collapse:collapse}"
                    + "td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px;text-align:left}"
                    + "</style><h1>Data profile: ")
            .append(escape(facts.fileName()))
            .append("</h1><ul>");
    for (String line : findings(facts)) {
      md.append("- ").append(markdown(line)).append('\n');
      html.append("<li>").append(escape(line)).append("</li>");
    }
    md.append("\n| histogram | ").append(String.join(" | ", HEAD)).append(" |\n|---");
    md.append("|---".repeat(HEAD.length)).append("|\n");
    html.append("</ul><table><tr><th>histogram</th>");
    for (String head : HEAD) {
      html.append("<th>").append(escape(head)).append("</th>");
    }
    html.append("</tr>");
    List<String[]> rows = rows(facts);
    List<ColumnProfile> columns = new ArrayList<>(facts.profile().columns().values());
    for (int r = 0; r < rows.size(); r++) {
      String svg = histogram(columns.get(r), facts.types().get(columns.get(r).name()));
      String svgFile = "hist-" + (r + 1) + ".svg";
      Files.writeString(dir.resolve(svgFile), svg);
      md.append("| ![").append(markdown(columns.get(r).name())).append("](").append(svgFile);
      md.append(") |");
      html.append("<tr><td>").append(svg).append("</td>");
      for (String cell : rows.get(r)) {
        md.append(' ').append(markdown(cell)).append(" |");
        html.append("<td>").append(escape(cell)).append("</td>");
      }
      md.append('\n');
      html.append("</tr>");
    }
    html.append("</table>\n");
    Path mdFile = dir.resolve("profile.md");
    Path htmlFile = dir.resolve("profile.html");
    Files.writeString(mdFile, md);
    Files.writeString(htmlFile, html);
    return List.of(mdFile, htmlFile);
  }

  /** A 160 x 40 bar chart: numbers in {@link #BINS} equal bins, else the top 10 values. */
  static String histogram(ColumnProfile column, String type) {
    double[] heights;
    ColumnProfile.NumericSummary s = column.numbers() > 0 ? column.numericSummary() : null;
    if (type.startsWith("numeric") && s != null) {
      heights = new double[BINS];
      double width = (s.max() - s.min()) / BINS;
      for (double v : s.sorted()) {
        int bin = width == 0 ? 0 : (int) Math.min(BINS - 1, (v - s.min()) / width);
        heights[bin]++;
      }
    } else {
      heights = column.top(10).values().stream().mapToDouble(Long::doubleValue).toArray();
    }
    double max = 1;
    for (double h : heights) {
      max = Math.max(max, h);
    }
    StringBuilder svg =
        new StringBuilder(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"160\" height=\"40\""
                + " viewBox=\"0 0 160 40\">");
    double bar = heights.length == 0 ? 0 : 160.0 / heights.length;
    for (int i = 0; i < heights.length; i++) {
      double h = 38 * heights[i] / max;
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4a7ab5\"/>",
              i * bar,
              40 - h,
              Math.max(0.5, bar - 1),
              h));
    }
    return svg.append("</svg>").toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String markdown(String text) {
    return escape(text).replace("|", "\\|");
  }
}
