package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.preprocess.core.TabularLayout;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the training inputs looked like, per input column, for monitors of the served inputs
 * (population stability): a numeric column's distribution over (at most) {@value #BINS} bins at its
 * training deciles (a KLL sketch, as the quantile steps keep; equal deciles merge) plus a bin for
 * missing values; a categorical column's share of each spec category, of unseen categories and of
 * missing values. Fitted on the rows the transform fits on (train rows while not frozen), in
 * bounded memory.
 */
public final class ReferenceProfile {

  /** Most value bins of a numeric column (at its deciles). */
  public static final int BINS = 10;

  private static final long SALT = 0x5EEDL;

  private final TabularLayout layout;
  private final QuantileSketches sketches;
  private final long[] numericMissing;

  /** Per categorical column: one count per spec category, then unseen, then missing. */
  private final long[][] categoryCounts;

  private long rows;

  public ReferenceProfile(TabularLayout layout, int sketchK) {
    this.layout = layout;
    this.sketches = new QuantileSketches(layout.numericCount(), sketchK, SALT);
    this.numericMissing = new long[layout.numericCount()];
    this.categoryCounts = new long[layout.categoricalCount()][];
    for (TabularLayout.Column column : layout.categoricalColumns()) {
      categoryCounts[column.index()] = new long[column.categories().size() + 2];
    }
  }

  /** Takes one training row. */
  public void add(ValidatedRow row) {
    double[] values = row.numericValues();
    for (int i = 0; i < numericMissing.length; i++) {
      if (Double.isNaN(values[i])) {
        numericMissing[i]++;
      }
    }
    sketches.addRow(values, rows);
    rows++;
    for (int i = 0; i < categoryCounts.length; i++) {
      categoryCounts[i][categoryBin(layout, i, row.categoricalValues()[i])]++;
    }
  }

  /** Training rows profiled. */
  public long rows() {
    return rows;
  }

  /** Each input column's reference bins, in the spec's column order; empty before any row. */
  public List<FeatureReference> features() {
    List<FeatureReference> features = new ArrayList<>();
    if (rows == 0) {
      return features;
    }
    for (TabularLayout.Column column : layout.columns()) {
      int i = column.index();
      if (column.type() == PipelineSpec.ColumnType.NUMERIC) {
        double missingShare = numericMissing[i] / (double) rows;
        double[] edges = new double[0];
        double[] values = {0};
        if (sketches.count(i) > 0) {
          // deciles, each once: a column with few distinct values gets fewer, wider bins
          double[] deciles = new double[BINS - 1];
          int unique = 0;
          for (int b = 1; b < BINS; b++) {
            double q = sketches.quantile(i, b / (double) BINS);
            if (unique == 0 || q > deciles[unique - 1]) {
              deciles[unique++] = q;
            }
          }
          edges = Arrays.copyOf(deciles, unique);
          double[] cdf = sketches.cdf(i, edges);
          values = new double[edges.length + 1];
          double below = 0;
          for (int b = 0; b < values.length; b++) {
            double upTo = b < edges.length ? cdf[b] : 1.0;
            values[b] = upTo - below;
            below = upTo;
          }
        }
        double[] expected = new double[values.length + 1];
        for (int b = 0; b < values.length; b++) {
          expected[b] = values[b] * (1 - missingShare);
        }
        expected[values.length] = missingShare;
        features.add(FeatureReference.numeric(column.name(), i, edges, expected));
      } else {
        long[] counts = categoryCounts[i];
        double[] expected = new double[counts.length];
        for (int b = 0; b < counts.length; b++) {
          expected[b] = counts[b] / (double) rows;
        }
        features.add(FeatureReference.categorical(column.name(), i, expected));
      }
    }
    return features;
  }

  /** Bin of a categorical value: its spec category, then unseen, then missing (null). */
  static int categoryBin(TabularLayout layout, int categoricalIndex, String value) {
    int categories = layout.categoricalColumns().get(categoricalIndex).categories().size();
    if (value == null) {
      return categories + 1;
    }
    int index = layout.categoryIndex(categoricalIndex, value);
    return index < 0 ? categories : index;
  }

  public void save(ObjectNode node) {
    node.put("rows", rows);
    node.put("bins", BINS);
    sketches.save(node.putObject("numeric"));
    ArrayNode missing = node.putArray("numericMissing");
    for (long m : numericMissing) {
      missing.add(m);
    }
    ArrayNode categorical = node.putArray("categoryCounts");
    for (long[] counts : categoryCounts) {
      ArrayNode array = categorical.addArray();
      for (long c : counts) {
        array.add(c);
      }
    }
  }

  public void load(JsonNode node) {
    rows = node.get("rows").asLong();
    sketches.load(node.get("numeric"));
    JsonNode missing = node.get("numericMissing");
    for (int i = 0; i < numericMissing.length; i++) {
      numericMissing[i] = missing.get(i).asLong();
    }
    JsonNode categorical = node.get("categoryCounts");
    for (int i = 0; i < categoryCounts.length; i++) {
      for (int b = 0; b < categoryCounts[i].length; b++) {
        categoryCounts[i][b] = categorical.get(i).get(b).asLong();
      }
    }
  }

  /**
   * One input column's reference: its bins and the training share in each. {@link #bin} puts a
   * served value in the same bins the shares were counted in.
   *
   * @param index the column's index among the numeric or the categorical columns of the layout
   * @param edges a numeric column's interior bin edges (ascending, upper bounds inclusive)
   * @param expected the training share of each bin (numeric: {@code edges.length + 1} value bins
   *     then missing; categorical: spec categories, unseen, missing); sums to 1
   */
  public record FeatureReference(
      String name, boolean numeric, int index, double[] edges, double[] expected) {

    static FeatureReference numeric(String name, int index, double[] edges, double[] expected) {
      return new FeatureReference(name, true, index, edges, expected);
    }

    static FeatureReference categorical(String name, int index, double[] expected) {
      return new FeatureReference(name, false, index, new double[0], expected);
    }

    public int bins() {
      return expected.length;
    }

    /** The bin of this column's value in {@code row} (validated against the same layout). */
    public int bin(TabularLayout layout, ValidatedRow row) {
      if (!numeric) {
        return categoryBin(layout, index, row.categoricalValues()[index]);
      }
      double x = row.numericValues()[index];
      if (Double.isNaN(x)) {
        return edges.length + 1;
      }
      for (int b = 0; b < edges.length; b++) {
        if (x <= edges[b]) {
          return b;
        }
      }
      return edges.length;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof FeatureReference that
          && name.equals(that.name)
          && numeric == that.numeric
          && index == that.index
          && Arrays.equals(edges, that.edges)
          && Arrays.equals(expected, that.expected);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(expected);
    }

    @Override
    public String toString() {
      return "FeatureReference["
          + name
          + (numeric ? " edges " + Arrays.toString(edges) : "")
          + " expected "
          + Arrays.toString(expected)
          + "]";
    }
  }
}
