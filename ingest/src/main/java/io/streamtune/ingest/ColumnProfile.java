package io.streamtune.ingest;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What one CSV column holds, gathered in one pass: missing cells, the cells that parse as finite
 * numbers (and the first few that do not), distinct values with counts, dates and free text. Type
 * inference ({@link CsvSchemaInference}) decides from these facts and {@code streamtune profile}
 * prints them; both read the same numbers.
 */
public final class ColumnProfile {

  /**
   * Distinct values counted exactly; beyond it a value not seen yet still counts as new, so {@link
   * #distinct()} is an upper bound (memory stays bounded however large the file: a few MiB a
   * column).
   */
  static final int MAX_TRACKED_VALUES = 50_000;

  /** Numbers kept for quantiles and histograms; beyond it they are over the first this many. */
  static final int MAX_KEPT_NUMBERS = 500_000;

  /** Examples of cells that are not numbers, kept per column. */
  static final int BAD_EXAMPLES = 3;

  /** Longest example kept, in characters (a 200,000-character cell is shown cut). */
  static final int EXAMPLE_CHARS = 24;

  private static final Pattern DATE =
      Pattern.compile(
          "\\d{4}[-/]\\d{1,2}[-/]\\d{1,2}([ T]\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d+)?)?"
              + "(Z|[+-]\\d{2}:?\\d{2})?)?"
              + "|\\d{1,2}[/.]\\d{1,2}[/.]\\d{4}( \\d{1,2}:\\d{2}(:\\d{2})?)?"
              + "|\\d{1,2}:\\d{2}(:\\d{2})?");

  private final String name;
  private long cells;
  private long missing;
  private long numbers;
  private long integers;
  private long dates;
  private long words;
  private long chars;
  private boolean increasing = true;
  private double previous = Double.NEGATIVE_INFINITY;
  private final List<String> badExamples = new ArrayList<>();
  private long bad;
  private double[] kept = new double[64];
  private int keptCount;
  private final Map<String, Long> counts = new HashMap<>();
  private final List<String> firstSeen = new ArrayList<>();
  private long untrackedDistinct;

  ColumnProfile(String name) {
    this.name = name;
  }

  /** Adds one cell; {@code null} is a missing cell (the format's missing tokens included). */
  void add(String cell) {
    cells++;
    if (cell == null) {
      missing++;
      return;
    }
    Long count = counts.get(cell);
    if (count != null) {
      counts.put(cell, count + 1);
    } else if (counts.size() < MAX_TRACKED_VALUES) {
      counts.put(cell, 1L);
      firstSeen.add(cell);
    } else {
      // past the limit a value not seen yet is counted as new (an upper bound of distinct values)
      untrackedDistinct++;
    }
    double x = parseNumber(cell);
    if (Double.isFinite(x)) {
      numbers++;
      if (x == Math.rint(x)) {
        integers++;
      }
      increasing &= x > previous;
      previous = x;
      if (keptCount < MAX_KEPT_NUMBERS) {
        if (keptCount == kept.length) {
          kept = Arrays.copyOf(kept, kept.length * 2);
        }
        kept[keptCount++] = x;
      }
      return;
    }
    bad++;
    if (badExamples.size() < BAD_EXAMPLES && !badExamples.contains(example(cell))) {
      badExamples.add(example(cell));
    }
    if (cell.length() <= 40 && DATE.matcher(cell).matches()) {
      dates++;
    }
    chars += Math.min(cell.length(), 10_000);
    words += cell.isBlank() ? 0 : cell.trim().split("\\s+", 64).length;
  }

  /**
   * The cell as a finite number, or NaN: the same rule as preprocessing's validation (decimal
   * notation, no "Infinity", "NaN" or hex), so a column typed numeric here is read as numbers
   * there. A number beyond a double's range ("1e400") is not finite.
   */
  static double parseNumber(String cell) {
    if (cell.isEmpty() || cell.length() > 400) {
      return Double.NaN;
    }
    char first = cell.charAt(0);
    if (!(Character.isDigit(first) || first == '-' || first == '+' || first == '.')) {
      return Double.NaN;
    }
    try {
      return new BigDecimal(cell).doubleValue();
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** A cell as examples quote it: at most {@link #EXAMPLE_CHARS} characters, then its length. */
  static String example(String cell) {
    if (cell.length() <= EXAMPLE_CHARS) {
      return cell;
    }
    return cell.substring(0, EXAMPLE_CHARS) + "... (" + cell.length() + " chars)";
  }

  public String name() {
    return name;
  }

  /** Rows that had this column (a short row has fewer cells than the header). */
  public long cells() {
    return cells;
  }

  public long missing() {
    return missing;
  }

  public long nonMissing() {
    return cells - missing;
  }

  /** Non-missing cells that are finite numbers. */
  public long numbers() {
    return numbers;
  }

  /** Non-missing cells that are not finite numbers ("abc", "1e400", "-inf"). */
  public long notNumbers() {
    return bad;
  }

  /** Share of non-missing cells that are finite numbers (0 when every cell is missing). */
  public double numericShare() {
    return nonMissing() == 0 ? 0 : (double) numbers / nonMissing();
  }

  /** The first few distinct cells that are not numbers, cut to a readable length. */
  public List<String> badExamples() {
    return List.copyOf(badExamples);
  }

  /** Whether every number is a whole number. */
  public boolean allIntegers() {
    return numbers > 0 && integers == numbers;
  }

  /** Whether the numbers rise strictly in file order (row numbers, auto-increment keys). */
  public boolean increasing() {
    return numbers > 1 && increasing;
  }

  public long dates() {
    return dates;
  }

  /** Mean words per cell of the cells that are not numbers. */
  public double meanWords() {
    return bad == 0 ? 0 : (double) words / bad;
  }

  /** Mean characters per cell of the cells that are not numbers. */
  public double meanChars() {
    return bad == 0 ? 0 : (double) chars / bad;
  }

  /** Distinct non-missing values (an upper bound past {@link #MAX_TRACKED_VALUES}). */
  public long distinct() {
    return counts.size() + untrackedDistinct;
  }

  /** Every non-missing value was distinct. */
  public boolean unique() {
    return nonMissing() > 0 && distinct() == nonMissing();
  }

  public long count(String value) {
    return counts.getOrDefault(value, 0L);
  }

  /** Values most frequent first; ties in order of first appearance. */
  public List<String> valuesByFrequency() {
    List<String> values = new ArrayList<>(firstSeen);
    values.sort(Comparator.comparingLong((String v) -> -counts.get(v)));
    return values;
  }

  /** The {@code k} most frequent values with their counts. */
  public Map<String, Long> top(int k) {
    Map<String, Long> top = new LinkedHashMap<>();
    for (String value : valuesByFrequency()) {
      if (top.size() == k) {
        break;
      }
      top.put(value, counts.get(value));
    }
    return top;
  }

  /** Distinct numbers among the parsed cells, sorted; only for the few-values checks. */
  double[] distinctNumbers() {
    return Arrays.stream(kept, 0, keptCount).distinct().sorted().toArray();
  }

  /** The numbers in order, as pandas' describe() sees them (sorted copy). */
  private double[] sorted() {
    double[] values = Arrays.copyOf(kept, keptCount);
    Arrays.sort(values);
    return values;
  }

  /** Summary of the numbers (pandas {@code describe()}: count, mean, std, min, 25%, 50%, ...). */
  public NumericSummary numericSummary() {
    double[] values = sorted();
    int n = values.length;
    if (n == 0) {
      return null;
    }
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    double mean = sum / n;
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    double std = n > 1 ? Math.sqrt(squares / (n - 1)) : Double.NaN;
    double q1 = quantile(values, 0.25);
    double q3 = quantile(values, 0.75);
    double low = q1 - 1.5 * (q3 - q1);
    double high = q3 + 1.5 * (q3 - q1);
    long outliers = Arrays.stream(values).filter(v -> v < low || v > high).count();
    return new NumericSummary(
        n, mean, std, values[0], q1, quantile(values, 0.5), q3, values[n - 1], outliers, values);
  }

  /** Linear interpolation between closest ranks: numpy's and pandas' default. */
  static double quantile(double[] sorted, double q) {
    double position = q * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
  }

  /**
   * @param outliers values beyond the IQR fences (q1 - 1.5 IQR, q3 + 1.5 IQR)
   * @param sorted the values, ascending (for histograms)
   */
  public record NumericSummary(
      long count,
      double mean,
      double std,
      double min,
      double q1,
      double median,
      double q3,
      double max,
      long outliers,
      double[] sorted) {}
}
