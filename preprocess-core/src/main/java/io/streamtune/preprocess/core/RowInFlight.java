package io.streamtune.preprocess.core;

import io.streamtune.preprocess.core.steps.Frame;

/**
 * A row between the input and the fitted steps: the validated row, its frame, whether it may update
 * statistics, and its arrival number (which orders everything that waits).
 */
final class RowInFlight {

  final ValidatedRow row;
  final Frame frame;
  final boolean fits;
  final long seq;

  RowInFlight(ValidatedRow row, Frame frame, boolean fits, long seq) {
    this.row = row;
    this.frame = frame;
    this.fits = fits;
    this.seq = seq;
  }
}
