package io.streamtune.preprocess.core.steps;

/**
 * A step refuses a row (a value outside its domain, a dropMissing rule); the row becomes a dead
 * letter with this stage and reason. Thrown without a stack trace: it is an outcome, not a bug.
 */
public final class RowRejected extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A cleaning rule removed the row (dropMissing). */
  public static final String STAGE_CLEAN = "clean";

  /** A transform could not produce a finite feature. */
  public static final String STAGE_TRANSFORM = "transform";

  private final String stage;

  public RowRejected(String stage, String reason) {
    super(reason, null, false, false);
    this.stage = stage;
  }

  public String stage() {
    return stage;
  }

  public String reason() {
    return getMessage();
  }
}
