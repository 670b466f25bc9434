package io.streamtune.launcher.bench;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.ingest.CsvDataset;
import io.streamtune.ingest.CsvRecordReader;
import io.streamtune.preprocess.core.RecordValidator;
import io.streamtune.preprocess.core.Splitter;
import io.streamtune.preprocess.core.TabularTransform;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows/s of the preprocessing steps alone ({@link TabularTransform#accept}, no Flink, no Kafka):
 * the CSV's valid rows, split, streamed through a fresh pipeline again and again up to N rows.
 *
 * <p>Arguments: csv, spec, rows, runs. Shows how much of the job's time the steps' single subtask
 * needs.
 */
public final class StepsBenchmark {

  // CPU time of this thread: the machine is shared, wall time alone swings with other load
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    Path csv = Path.of(args[0]);
    PipelineSpec spec = PipelineSpecs.load(Path.of(args[1]));
    long total = Long.parseLong(args[2]);
    int runs = Integer.parseInt(args[3]);
    RecordValidator validator = new RecordValidator(spec);
    Splitter splitter = Splitter.of(spec.split());
    List<ValidatedRow> rows = new ArrayList<>();
    try (CsvRecordReader reader = CsvDataset.withSpec(csv, spec, null).open(Clock.systemUTC())) {
      while (reader.hasNext()) {
        RawRecord record = reader.next();
        if (validator.validate(record) instanceof Outcome.Accepted<ValidatedRow> valid) {
          rows.add(splitter.assign(valid.value()));
        }
      }
    }
    for (int run = 1; run <= runs; run++) {
      TabularTransform pipeline = TabularTransform.create(spec);
      long t0 = System.nanoTime();
      long cpu0 = THREADS.getCurrentThreadCpuTime();
      long outputs = 0;
      for (long i = 0; i < total; i++) {
        outputs += pipeline.accept(rows.get((int) (i % rows.size()))).size();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpuSeconds = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9;
      System.out.printf(
          "steps run %d: %,d rows (%,d outputs) in %.2f s = %,.0f rows/s; %.2f CPU s = %,.0f rows"
              + " per CPU second%n",
          run, total, outputs, seconds, total / seconds, cpuSeconds, total / cpuSeconds);
    }
  }
}
