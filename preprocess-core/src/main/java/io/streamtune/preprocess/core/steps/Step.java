package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One preprocessing step: statistics fitted on training rows, a transform from the frame before the
 * step to the frame after it, and its state as JSON (readable parameters plus whatever the
 * statistics need to go on).
 */
public interface Step {

  /** Adds one training row, as it reaches this step, to the statistics (streaming). */
  void fit(Frame in, int label);

  /**
   * Fits on a whole batch (the batch mode, the end of a warm-up); afterwards the parameters are
   * exactly those of the batch. The default adds each row and then {@link #finish()}es.
   */
  default void fitAll(List<Frame> rows, int[] labels) {
    for (int i = 0; i < rows.size(); i++) {
      fit(rows.get(i), labels[i]);
    }
    finish();
  }

  /** Makes the parameters final from the statistics (end of a batch, freeze). */
  default void finish() {}

  /** The frame after this step; may reuse {@code in}. Throws {@link RowRejected}. */
  Frame transform(Frame in);

  /** Writes parameters and statistics under {@code node}. */
  void save(ObjectNode node);

  /**
   * What {@link #save} writes, less what only going on fitting needs and a served transform never
   * reads (rows held for the next batch fit); {@link #load} reads it as a step that holds none.
   */
  default void saveForServing(ObjectNode node) {
    save(node);
  }

  /** Reads what {@link #save} or {@link #saveForServing} wrote. */
  void load(JsonNode node);
}
