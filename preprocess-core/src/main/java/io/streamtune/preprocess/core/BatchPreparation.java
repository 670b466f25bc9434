package io.streamtune.preprocess.core;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.preprocess.core.TabularTransform.BatchResult;
import io.streamtune.preprocess.core.steps.Frame;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/** {@link TabularTransform#prepareBatch}: fit on the whole batch, then transform every row. */
final class BatchPreparation {

  private BatchPreparation() {}

  static BatchResult prepare(
      TabularTransform pipeline, List<ValidatedRow> rows, Predicate<ValidatedRow> fitOn) {
    List<Outcome<PreparedRow>> outcomes = new ArrayList<>(Collections.nCopies(rows.size(), null));
    List<RowInFlight> released = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      ValidatedRow row = rows.get(r);
      pipeline.badCells.add(row.badCells());
      RowInFlight item = new RowInFlight(row, pipeline.toFrame(row), fitOn.test(row), r);
      Outcome<PreparedRow> filtered = pipeline.filterRow(item);
      if (filtered != null) {
        outcomes.set(r, filtered);
      } else {
        if (item.fits) {
          pipeline.reference.add(row);
        }
        released.addAll(pipeline.throughSeries(item));
      }
    }
    for (SeriesImputer imputer : pipeline.series) {
      List<RowInFlight> flushed = imputer.flush();
      // rows flushed by an earlier imputer still pass the later ones
      int at = pipeline.series.indexOf(imputer);
      for (RowInFlight item : flushed) {
        List<RowInFlight> items = List.of(item);
        for (SeriesImputer later : pipeline.series.subList(at + 1, pipeline.series.size())) {
          List<RowInFlight> next = new ArrayList<>();
          for (RowInFlight each : items) {
            next.addAll(later.accept(each));
          }
          items = next;
        }
        released.addAll(items);
      }
    }
    released.sort((a, b) -> Long.compare(a.seq, b.seq));
    List<Frame> fitFrames = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (RowInFlight item : released) {
      if (item.fits) {
        fitFrames.add(item.frame.copy());
        labels.add(item.row.labelIndex());
      }
    }
    pipeline.fitLayers(fitFrames, labels);
    pipeline.version = fitFrames.size();
    pipeline.warmedUp = true;
    for (RowInFlight item : released) {
      outcomes.set((int) item.seq, pipeline.transformFitted(item.row, item.frame));
    }
    return new BatchResult(List.copyOf(outcomes), pipeline);
  }
}
