package io.streamtune.launcher.chaos;

/**
 * The kinds of process the chaos suite kills, and what counts as each one's first output after a
 * restart.
 */
public enum ChaosKind {
  /** A KRaft node (broker + controller); output: back in the ISR of every partition it holds. */
  BROKER,
  /** The schema registry; output: its first answered request. */
  REGISTRY,
  /** Flink's JobManager; output: the first example committed after it is up (job resubmitted). */
  JOBMANAGER,
  /** A Flink TaskManager; output: the first example committed after it registered. */
  TASKMANAGER,
  /** The trainer; output: its first version on {@code models}. */
  TRAINER,
  /**
   * The evaluator; output: its first report on {@code metrics}, counted from its restart or, when
   * every version so far was already reported, from the next version's arrival (it has nothing to
   * report before).
   */
  EVALUATOR,
  /** Serve; output: its first answered prediction over HTTP. */
  SERVE,
  /**
   * {@code streamtune ingest --rate}, restarted with the same command (its ledger skips what was
   * produced); output: its first new record on {@code raw}.
   */
  INGEST
}
