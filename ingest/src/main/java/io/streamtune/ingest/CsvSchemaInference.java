package io.streamtune.ingest;

import io.streamtune.spec.PipelineSpec.ColumnType;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Infers a {@link CsvSchema} from a {@link CsvProfile} of the file, by majority and with evidence:
 * a column is numeric when nearly all its non-missing cells are numbers ({@link
 * Settings#numericShare}), so a few bad cells do not turn it categorical; an id (unique and
 * increasing, or unique and named like one), a date/time column and a free-text column are left out
 * with the reason; a whole-number column is categorical only when its name or its sparse codes say
 * so, not because of its distinct count alone. Every decision keeps its evidence (share of numbers,
 * distinct count, examples of bad cells) for the spec's comments. Label values seen in fewer than
 * {@link Settings#minLabelCount} rows or {@link Settings#minLabelShare} of them (and under a tenth
 * of the largest class) are listed as excluded rather than becoming classes. Declared types win
 * over inference.
 */
public final class CsvSchemaInference {

  /** A categorical column with more distinct values than this is not one-hot encoded. */
  public static final int DEFAULT_MAX_CATEGORIES = 64;

  /** A label with more classes than this is not a classification target. */
  public static final int MAX_LABEL_CLASSES = 50;

  private static final Pattern ID_NAME =
      Pattern.compile("(?i)(^|.*[_ .-])(id|ids|key|uuid|guid|index|idx|row|rownum)$|.*[a-z]Id$");

  private static final Pattern CATEGORY_NAME =
      Pattern.compile(
          "(?i)(^|.*[_ .-])(code|cd|type|category|cat|class|kind|group|grp|zip|zipcode|postcode"
              + "|region|state|status|flag)$|.*[a-z](Code|Type|Category|Class|Group|Status)$");

  /**
   * @param numericShare a column is numeric when at least this share of its non-missing cells are
   *     finite numbers (the rest are bad cells, handled by {@code preprocess.badValues})
   * @param maxCategories a categorical column with more distinct values is left out
   * @param minLabelCount a label value in fewer rows is excluded from the classes
   * @param minLabelShare a label value in a smaller share of the labelled rows is excluded
   * @param keepRareLabels keep rare label values as classes instead
   */
  public record Settings(
      double numericShare,
      int maxCategories,
      int minLabelCount,
      double minLabelShare,
      boolean keepRareLabels) {

    public Settings {
      if (!(numericShare > 0.5 && numericShare <= 1)) {
        throw new IngestException("--numeric-share must be in (0.5, 1], got " + numericShare);
      }
      if (minLabelCount < 1) {
        throw new IngestException("--min-label-count must be >= 1, got " + minLabelCount);
      }
      if (!(minLabelShare >= 0 && minLabelShare < 0.5)) {
        throw new IngestException("--min-label-share must be in [0, 0.5), got " + minLabelShare);
      }
    }

    public static Settings defaults() {
      return new Settings(0.98, DEFAULT_MAX_CATEGORIES, 10, 0.005, false);
    }
  }

  private final CsvFormat format;
  private final Settings settings;

  public CsvSchemaInference(CsvFormat format, Settings settings) {
    this.format = format;
    this.settings = settings;
  }

  public static CsvSchemaInference withDefaults() {
    return new CsvSchemaInference(CsvFormat.defaults(), Settings.defaults());
  }

  public CsvSchema infer(
      Reader csv, String labelColumn, String idColumn, Map<String, ColumnType> declared) {
    return infer(CsvProfile.read(csv, format, idColumn), labelColumn, idColumn, declared);
  }

  public CsvSchema infer(
      CsvProfile profile, String labelColumn, String idColumn, Map<String, ColumnType> declared) {
    List<String> header = profile.header();
    if (!header.contains(labelColumn)) {
      throw new IngestException(
          "label column '" + labelColumn + "' is not in the CSV header " + header);
    }
    if (idColumn != null && !header.contains(idColumn)) {
      throw new IngestException("id column '" + idColumn + "' is not in the CSV header " + header);
    }
    for (String column : declared.keySet()) {
      if (!header.contains(column)) {
        throw new IngestException(
            "declared column '" + column + "' is not in the CSV header " + header);
      }
    }
    Map<String, String> evidence = new LinkedHashMap<>();
    ColumnProfile label = profile.column(labelColumn);
    List<String> classes = new ArrayList<>();
    List<String> excluded = new ArrayList<>();
    splitLabels(label, classes, excluded, evidence);
    Map<String, CsvSchema.Column> columns = new LinkedHashMap<>();
    Map<String, String> dropped = new LinkedHashMap<>();
    for (String column : header) {
      if (column.equals(labelColumn) || column.equals(idColumn)) {
        continue;
      }
      ColumnProfile p = profile.column(column);
      String facts = facts(p);
      ColumnType type = declared.get(column);
      String because = type == null ? null : "declared " + lower(type);
      if (type == null) {
        String reason = notAFeature(p);
        if (reason != null) {
          dropped.put(column, reason);
          evidence.put(column, facts);
          continue;
        }
        Decision decision = decide(p);
        type = decision.type();
        because = decision.because();
      }
      if (type == ColumnType.CATEGORICAL && p.distinct() > settings.maxCategories()) {
        dropped.put(
            column, p.distinct() + " distinct values (more than " + settings.maxCategories() + ")");
        evidence.put(column, facts);
        continue;
      }
      List<String> categories =
          type == ColumnType.CATEGORICAL ? p.valuesByFrequency() : List.<String>of();
      columns.put(column, new CsvSchema.Column(type, categories, p.missing()));
      evidence.put(column, because + "; " + facts);
    }
    return new CsvSchema(
        columns,
        labelColumn,
        classes,
        dropped,
        profile.rows(),
        List.copyOf(excluded),
        evidence,
        profile);
  }

  private void splitLabels(
      ColumnProfile label, List<String> classes, List<String> excluded, Map<String, String> out) {
    long labelled = label.nonMissing();
    List<String> rare = new ArrayList<>();
    List<String> values = label.valuesByFrequency();
    long largest = values.isEmpty() ? 0 : label.count(values.get(0));
    for (String value : values) {
      long n = label.count(value);
      // "rare" is also relative: in a file of a few rows every value is seen a few times, and a
      // value at least a tenth as common as the largest class is a class however small the file
      boolean tooRare =
          (n < settings.minLabelCount() || n < settings.minLabelShare() * Math.max(1, labelled))
              && n * 10 < largest;
      if (tooRare && !settings.keepRareLabels()) {
        excluded.add(value);
        rare.add("'" + ColumnProfile.example(value) + "' " + n);
      } else {
        classes.add(value);
      }
    }
    if (classes.size() < 2) {
      throw new IngestException(
          "label column '"
              + label.name()
              + "' has "
              + classes.size()
              + " class(es) that are not rare; need 2+"
              + (excluded.isEmpty() ? "" : " (rare values left out: " + excluded + ")"));
    }
    if (classes.size() > MAX_LABEL_CLASSES) {
      throw new IngestException(
          "label column '"
              + label.name()
              + "' has "
              + classes.size()
              + " distinct values; a classification label has at most "
              + MAX_LABEL_CLASSES);
    }
    StringBuilder facts = new StringBuilder();
    for (String value : classes) {
      long n = label.count(value);
      facts.append(facts.length() == 0 ? "" : ", ").append(value).append(' ').append(n);
      facts.append(String.format(Locale.ROOT, " (%.1f%%)", 100.0 * n / Math.max(1, labelled)));
    }
    facts.append("; ").append(label.missing()).append(" missing (dead letters)");
    if (!rare.isEmpty()) {
      facts.append(
          String.format(
              Locale.ROOT,
              "; excluded as rare (< %d rows or < %.1f%%, and < 1/10 of the largest): %s",
              settings.minLabelCount(),
              100 * settings.minLabelShare(),
              String.join(", ", rare)));
    }
    out.put(label.name(), facts.toString());
  }

  /**
   * What inference makes of one column on its own: {@code numeric: ...}, {@code categorical: ...}
   * or {@code not a feature: ...}, each with the reason ({@code streamtune profile}'s type column).
   */
  public String describe(ColumnProfile p) {
    String reason = notAFeature(p);
    if (reason != null) {
      return "not a feature: " + reason;
    }
    Decision decision = decide(p);
    if (decision.type() == ColumnType.CATEGORICAL && p.distinct() > settings.maxCategories()) {
      return "not a feature: "
          + p.distinct()
          + " distinct values (more than "
          + settings.maxCategories()
          + ")";
    }
    return decision.because();
  }

  /** Why the column cannot be a feature, or null when it can. */
  private String notAFeature(ColumnProfile p) {
    if (p.nonMissing() == 0) {
      return "every value is missing";
    }
    boolean numeric = p.numericShare() >= settings.numericShare();
    boolean idName = ID_NAME.matcher(p.name()).matches();
    double distinctShare = (double) p.distinct() / p.nonMissing();
    if (numeric && p.allIntegers()) {
      if (p.unique() && p.increasing() && p.nonMissing() >= 20) {
        return "an id: unique whole numbers, increasing row by row";
      }
      if (idName && distinctShare >= 0.9) {
        return "an id: named like one, " + percent(distinctShare) + " of its values distinct";
      }
      return null;
    }
    if (numeric) {
      return null;
    }
    if (p.dates() >= settings.numericShare() * p.nonMissing()) {
      return "a date/time column (expand it into numeric parts, e.g. year, month, day of week,"
          + " in the CSV to use it)";
    }
    if (p.meanWords() >= 4 && distinctShare > 0.5) {
      return String.format(
          Locale.ROOT,
          "free text (%.1f words a cell on average; a text pipeline, modality text, reads it)",
          p.meanWords());
    }
    if (p.unique() && p.nonMissing() > settings.maxCategories()) {
      return "an id: every value distinct";
    }
    if (idName && distinctShare >= 0.9 && p.distinct() > settings.maxCategories()) {
      return "an id: named like one, " + percent(distinctShare) + " of its values distinct";
    }
    return null;
  }

  private record Decision(ColumnType type, String because) {}

  private Decision decide(ColumnProfile p) {
    if (p.numericShare() < settings.numericShare()) {
      return new Decision(
          ColumnType.CATEGORICAL,
          "categorical: " + percent(p.numericShare()) + " numbers (< " + threshold() + ")");
    }
    if (p.allIntegers()) {
      if (CATEGORY_NAME.matcher(p.name()).matches() && p.distinct() <= settings.maxCategories()) {
        return new Decision(
            ColumnType.CATEGORICAL, "categorical: whole-number codes, named like a category");
      }
      double[] values = p.distinctNumbers();
      double span = values[values.length - 1] - values[0] + 1;
      if (values.length >= 3 && values.length <= 10 && span >= 10.0 * values.length) {
        return new Decision(
            ColumnType.CATEGORICAL,
            "categorical: "
                + values.length
                + " sparse whole-number codes over a span of "
                + (long) span);
      }
    }
    return new Decision(
        ColumnType.NUMERIC,
        "numeric: " + percent(p.numericShare()) + " numbers (>= " + threshold() + ")");
  }

  /** The facts behind a decision, as the spec's comment shows them. */
  static String facts(ColumnProfile p) {
    StringBuilder facts = new StringBuilder();
    facts.append(p.nonMissing()).append(" cells, ").append(p.distinct()).append(" distinct");
    if (p.missing() > 0) {
      facts.append(", ").append(p.missing()).append(" missing");
    }
    if (p.numbers() > 0 && p.notNumbers() > 0) {
      facts.append(", ").append(p.notNumbers()).append(" not numbers: ");
      List<String> quoted = p.badExamples().stream().map(e -> "'" + e + "'").toList();
      facts.append(String.join(", ", quoted));
    }
    if (p.numericShare() >= 0.5) {
      ColumnProfile.NumericSummary summary = p.numericSummary();
      facts.append("; min ").append(ProfileReport.number(summary.min()));
      facts.append(", median ").append(ProfileReport.number(summary.median()));
      facts.append(", max ").append(ProfileReport.number(summary.max()));
      facts.append(", ").append(summary.outliers()).append(" IQR outliers");
    }
    return facts.toString().replace('\n', ' ').replace('\r', ' ');
  }

  private String threshold() {
    return percent(settings.numericShare());
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }

  private static String lower(ColumnType type) {
    return type.name().toLowerCase(Locale.ROOT);
  }
}
