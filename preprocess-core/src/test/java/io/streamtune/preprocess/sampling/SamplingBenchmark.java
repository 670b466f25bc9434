package io.streamtune.preprocess.sampling;

import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.SamplingSpec;
import io.streamtune.spec.SamplingSpec.Method;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Throughput of the sampling core, for bench/sampling_bench.py (which runs imbalanced-learn on the
 * same file in the same run). Not a test: run with the test classpath.
 *
 * <p>Arguments: csv (id,label,features...), repeats, warm-up seconds. Each case is timed once cold
 * (its first run in this JVM), then run for the warm-up seconds (the JIT compiles the hot loops, as
 * in a long-running job), then timed {@code repeats} times. Prints one line per case: {@code RESULT
 * <case> rows=<n> seconds=<warm median> rows_per_s=<n/median> cold_seconds=<first run> out=<rows
 * out> cpu_seconds=<median process CPU seconds>}.
 */
public final class SamplingBenchmark {

  private SamplingBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path csv = Path.of(args[0]);
    int repeats = Integer.parseInt(args[1]);
    double warmupSeconds = Double.parseDouble(args[2]);
    List<LabeledVector> rows = read(csv);
    List<String> classes = rows.stream().map(LabeledVector::label).distinct().sorted().toList();
    List<Example> examples = rows.stream().map(row -> example(row, classes)).toList();

    measure("batch-smote", rows.size(), repeats, warmupSeconds, () -> batch(rows, Method.SMOTE));
    measure("batch-tomek", rows.size(), repeats, warmupSeconds, () -> batch(rows, Method.TOMEK));
    measure("batch-enn", rows.size(), repeats, warmupSeconds, () -> batch(rows, Method.ENN));
    measure(
        "stream-smote",
        rows.size(),
        repeats,
        warmupSeconds,
        () -> stream(examples, classes, SamplingSpec.of(Method.SMOTE)));
    measure(
        "stream-tomek-window2000",
        rows.size(),
        repeats,
        warmupSeconds,
        () -> stream(examples, classes, SamplingSpec.of(Method.TOMEK)));
  }

  private static int batch(List<LabeledVector> rows, Method method) {
    return BatchResampler.resample(rows, SamplingSpec.of(method)).kept().size();
  }

  private static int stream(List<Example> examples, List<String> classes, SamplingSpec spec) {
    StreamingResampler resampler = new StreamingResampler(spec, classes);
    ResamplerState state = resampler.emptyState();
    int[] out = {0};
    for (Example example : examples) {
      resampler.accept(example, state, e -> out[0]++);
    }
    resampler.flush(state, e -> out[0]++);
    return out[0];
  }

  private static void measure(
      String name, int rows, int repeats, double warmupSeconds, Supplier<Integer> run) {
    long coldStart = System.nanoTime();
    run.get();
    double cold = (System.nanoTime() - coldStart) / 1e9;
    long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
    while (System.nanoTime() < warmupEnd) {
      run.get();
    }
    double[] seconds = new double[repeats];
    double[] cpuSeconds = new double[repeats];
    int out = 0;
    for (int i = 0; i < repeats; i++) {
      long cpuStart = processCpuNanos();
      long start = System.nanoTime();
      out = run.get();
      seconds[i] = (System.nanoTime() - start) / 1e9;
      cpuSeconds[i] = (processCpuNanos() - cpuStart) / 1e9;
    }
    Arrays.sort(seconds);
    Arrays.sort(cpuSeconds);
    double median = seconds[repeats / 2];
    System.out.printf(
        java.util.Locale.ROOT,
        "RESULT %s rows=%d seconds=%.6f rows_per_s=%.0f cold_seconds=%.6f out=%d cpu_seconds=%.6f%n",
        name,
        rows,
        median,
        rows / median,
        cold,
        out,
        cpuSeconds[repeats / 2]);
  }

  /**
   * CPU time of the whole process (every thread, GC and JIT included): on a shared, loaded machine
   * it shows the work done where wall time shows the wait for a core.
   */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static List<LabeledVector> read(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    List<LabeledVector> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      double[] features = new double[cells.length - 2];
      for (int i = 0; i < features.length; i++) {
        features[i] = Double.parseDouble(cells[i + 2]);
      }
      rows.add(LabeledVector.original(cells[0], cells[1], features));
    }
    return rows;
  }

  private static Example example(LabeledVector row, List<String> classes) {
    List<Float> features = new ArrayList<>();
    for (double value : row.features()) {
      features.add((float) value);
    }
    return Example.newBuilder()
        .setId(row.id())
        .setSourceId(row.id())
        .setEventTime(Instant.EPOCH)
        .setSplit(Split.TRAIN)
        .setLabel(row.label())
        .setLabelIndex(classes.indexOf(row.label()))
        .setFeatures(features)
        .setTransformVersion(0)
        .setAugmentedFrom(null)
        .setSynthetic(false)
        .setParentIds(List.of())
        .build();
  }
}
