package io.streamtune.preprocess.sampling;

import io.streamtune.preprocess.sampling.BatchResampler.Removal;
import java.util.ArrayList;
import java.util.List;

/**
 * The cells of a resampled batch as CSV rows, so every writer (e.g. {@code streamtune prepare})
 * lays them out alike: kept rows carry whether they are synthetic and their parents' ids, removed
 * rows the reason and the neighbours that decided it. Ids in one cell are joined with {@code |}.
 * Quoting is the writer's business.
 */
public final class ResampledRows {

  public static final String ID_SEPARATOR = "|";

  private ResampledRows() {}

  /** {@code id, <label>, <features...>, synthetic, parent_ids}. */
  public static List<String> keptHeader(String labelColumn, List<String> featureNames) {
    List<String> header = new ArrayList<>();
    header.add("id");
    header.add(labelColumn);
    header.addAll(featureNames);
    header.add("synthetic");
    header.add("parent_ids");
    return header;
  }

  public static List<String> keptCells(LabeledVector row) {
    List<String> cells = new ArrayList<>();
    cells.add(row.id());
    cells.add(row.label());
    for (double feature : row.features()) {
      cells.add(Double.toString(feature));
    }
    cells.add(Boolean.toString(row.synthetic()));
    cells.add(String.join(ID_SEPARATOR, row.parentIds()));
    return cells;
  }

  /** {@code id, <label>, synthetic, reason, neighbour_ids}. */
  public static List<String> removedHeader(String labelColumn) {
    return List.of("id", labelColumn, "synthetic", "reason", "neighbour_ids");
  }

  public static List<String> removedCells(Removal removal) {
    return List.of(
        removal.row().id(),
        removal.row().label(),
        Boolean.toString(removal.row().synthetic()),
        removal.reason().name().toLowerCase(java.util.Locale.ROOT),
        String.join(ID_SEPARATOR, removal.neighbourIds()));
  }
}
