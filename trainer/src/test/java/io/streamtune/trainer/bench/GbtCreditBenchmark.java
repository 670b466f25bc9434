package io.streamtune.trainer.bench;

import ai.djl.Device;
import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.model.scoring.ScoringInputs;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.trainer.ExampleBuffer;
import io.streamtune.trainer.ModelTrainer;
import io.streamtune.trainer.ModelTrainerFactory;
import io.streamtune.trainer.TrainerKinds;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * For bench/gbt_vs_sklearn.sh (not a unit test): trains streamtune's tabular backbones on the train
 * rows of a prepared CSV ({@code streamtune prepare}: id, split, label, features) exactly as the
 * trainer service does (the {@link ModelTrainer} of {@link TrainerKinds}, one round on the whole
 * train split), stores each version and scores the holdout rows through {@link StoreModelLoader},
 * as the evaluator does.
 *
 * <p>Writes {@code <out>/<variant>.probabilities.csv} (id, label, one probability per class) and
 * {@code <out>/java_timings.csv} (variant, repeat, wall and CPU seconds of fit and predict); the
 * metrics are computed by bench/gbt_sklearn.py with scikit-learn's functions, for both sides alike.
 * Then trains {@code memoryRounds} gbt rounds on one trainer and prints the process's resident set
 * after each (after a GC), to show that rounds free their native memory.
 *
 * <p>Arguments: prepared.csv spec.yaml outDir repeats threads memoryRounds
 */
public final class GbtCreditBenchmark {

  /**
   * CPU time of the calling thread: with one thread XGBoost and PyTorch compute on it, so this is
   * what a fit costs whatever else the shared machine runs meanwhile.
   */
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private GbtCreditBenchmark() {}

  record Rows(List<String> ids, float[][] features, int[] labels) {}

  public static void main(String[] args) throws Exception {
    Path prepared = Path.of(args[0]);
    String baseYaml = Files.readString(Path.of(args[1]));
    Path out = Path.of(args[2]);
    int repeats = Integer.parseInt(args[3]);
    int threads = Integer.parseInt(args[4]);
    int memoryRounds = Integer.parseInt(args[5]);
    Files.createDirectories(out);
    PipelineSpec base = PipelineSpecs.parse(baseYaml, args[1]);
    List<String> classes = base.label().classes();
    Map<String, Rows> split = read(prepared, classes);
    Rows train = split.get("train");
    Rows holdout = split.get("holdout");
    System.out.printf(
        Locale.ROOT,
        "train %d rows, holdout %d rows, %d features%n",
        train.labels().length,
        holdout.labels().length,
        train.features()[0].length);

    Map<String, String> variants = new LinkedHashMap<>();
    variants.put("gbt", "backbone: gbt\n");
    variants.put("gbt_unweighted", "backbone: gbt\ngbt: {classWeight: none}\n");
    variants.put("mlp", "");
    List<String> timings =
        new ArrayList<>(List.of("variant,repeat,fit_s,predict_s,fit_cpu_s,predict_cpu_s"));
    for (Map.Entry<String, String> variant : variants.entrySet()) {
      PipelineSpec spec = withTrainerKeys(baseYaml, variant.getValue());
      float[][] first = null;
      for (int repeat = 0; repeat < repeats; repeat++) {
        Path store = Files.createTempDirectory(out, "store-");
        long fitStart = System.nanoTime();
        long fitCpuStart = CPU.getCurrentThreadCpuTime();
        ModelTrainer trainer = create(spec, store, train.features()[0].length, threads);
        ModelTrainer.Result result =
            trainer.train(
                new ExampleBuffer.Snapshot(train.features(), train.labels(), classes.size()),
                () -> false);
        double fitSeconds = (System.nanoTime() - fitStart) / 1e9;
        double fitCpuSeconds = (CPU.getCurrentThreadCpuTime() - fitCpuStart) / 1e9;
        ModelVersion version = save(spec, new ModelStore(store), trainer, result);
        trainer.close();
        float[][] probabilities;
        double predictSeconds;
        double predictCpuSeconds;
        try (StoreModelLoader loader = new StoreModelLoader(store, false);
            ScoringModel model = loader.load(version)) {
          ScoringInputs inputs = ScoringInputs.ofFeatures(holdout.ids(), holdout.features());
          long predictStart = System.nanoTime();
          long predictCpuStart = CPU.getCurrentThreadCpuTime();
          probabilities = model.probabilities(inputs);
          predictSeconds = (System.nanoTime() - predictStart) / 1e9;
          predictCpuSeconds = (CPU.getCurrentThreadCpuTime() - predictCpuStart) / 1e9;
        }
        if (first == null) {
          first = probabilities;
          writeProbabilities(out.resolve(variant.getKey() + ".probabilities.csv"), holdout, first);
        } else if (!Arrays.deepEquals(first, probabilities)) {
          System.out.println(variant.getKey() + ": repeat " + repeat + " scored differently");
        }
        timings.add(
            String.format(
                Locale.ROOT,
                "%s,%d,%.4f,%.5f,%.4f,%.5f",
                variant.getKey(),
                repeat,
                fitSeconds,
                predictSeconds,
                fitCpuSeconds,
                predictCpuSeconds));
        System.out.printf(
            Locale.ROOT,
            "%s repeat %d: fit %.3f s (CPU %.3f s of this thread; %d iterations/epochs), predict"
                + " %.4f s%n",
            variant.getKey(),
            repeat,
            fitSeconds,
            fitCpuSeconds,
            result.epochs(),
            predictSeconds);
      }
    }
    Files.write(out.resolve("java_timings.csv"), timings);
    if (memoryRounds > 0) {
      memory(withTrainerKeys(baseYaml, variants.get("gbt")), out, train, threads, memoryRounds);
    }
  }

  /** One trainer, many rounds; the resident set after each (after a GC). */
  private static void memory(PipelineSpec spec, Path out, Rows train, int threads, int rounds)
      throws IOException {
    Path store = Files.createTempDirectory(out, "memory-");
    try (ModelTrainer trainer = create(spec, store, train.features()[0].length, threads)) {
      ExampleBuffer.Snapshot snapshot =
          new ExampleBuffer.Snapshot(
              train.features(), train.labels(), spec.label().classes().size());
      for (int round = 1; round <= rounds; round++) {
        trainer.train(snapshot, () -> false);
        trainer.files().get("booster.ubj").writeTo(java.io.OutputStream.nullOutputStream());
        System.gc();
        if (round == 1 || round % 10 == 0 || round == rounds) {
          System.out.printf(Locale.ROOT, "memory: round %d, VmRSS %d MiB%n", round, rssMiB());
        }
      }
    }
  }

  private static long rssMiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }

  private static ModelTrainer create(PipelineSpec spec, Path store, int features, int threads) {
    return TrainerKinds.registry()
        .create(
            new ModelTrainerFactory.Setup(
                spec.name(), spec, new ModelStore(store), features, Device.cpu(), threads));
  }

  /** The base spec with {@code keys} added to its trainer section. */
  private static PipelineSpec withTrainerKeys(String baseYaml, String keys) {
    String indented = keys.indent(2);
    return PipelineSpecs.parse(
        baseYaml.replace("\ntrainer:\n", "\ntrainer:\n" + indented), "bench");
  }

  private static ModelVersion save(
      PipelineSpec spec, ModelStore store, ModelTrainer trainer, ModelTrainer.Result result) {
    ModelMetadata metadata =
        new ModelMetadata(
            spec.name(),
            1,
            trainer.architecture(),
            spec.label().classes(),
            List.of(),
            trainer.metadataFeatureCount(),
            trainer.model() == null ? List.of() : spec.trainer().hiddenUnits(),
            spec.trainer().seed(),
            Instant.now().toString());
    Path dir = store.save(trainer.model(), metadata, "", trainer.files());
    return ModelVersion.newBuilder()
        .setModelId(spec.name())
        .setVersion(1)
        .setCreatedAt(Instant.now())
        .setStorePath(dir.toString())
        .setArchitecture(trainer.architecture())
        .setLabels(spec.label().classes())
        .setFeatureCount(trainer.inputWidth())
        .setExamplesTrainedOn(result.examples())
        .setNewExamples(result.examples())
        .setTotalExamplesConsumed(result.examples())
        .setConsumedOffsets(List.of())
        .setTrainLoss(result.trainLoss())
        .setEpochs(result.epochs())
        .setDurationMs(result.durationMs())
        .setDevice(result.device())
        .build();
  }

  /** The prepared CSV's rows by split name ({@code train}, {@code holdout}). */
  static Map<String, Rows> read(Path prepared, List<String> classes) throws IOException {
    List<String> lines = Files.readAllLines(prepared);
    Map<String, List<String[]>> bySplit = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      bySplit.computeIfAbsent(cells[1], k -> new ArrayList<>()).add(cells);
    }
    Map<String, Rows> rows = new LinkedHashMap<>();
    bySplit.forEach(
        (name, cells) -> {
          List<String> ids = new ArrayList<>();
          float[][] features = new float[cells.size()][];
          int[] labels = new int[cells.size()];
          for (int i = 0; i < cells.size(); i++) {
            String[] row = cells.get(i);
            ids.add(row[0]);
            labels[i] = classes.indexOf(row[2]);
            features[i] = new float[row.length - 3];
            for (int f = 3; f < row.length; f++) {
              features[i][f - 3] = Float.parseFloat(row[f]);
            }
          }
          rows.put(name, new Rows(ids, features, labels));
        });
    return rows;
  }

  private static void writeProbabilities(Path file, Rows holdout, float[][] probabilities)
      throws IOException {
    try (BufferedWriter writer = Files.newBufferedWriter(file)) {
      StringBuilder header = new StringBuilder("id,label");
      for (int c = 0; c < probabilities[0].length; c++) {
        header.append(",p").append(c);
      }
      writer.write(header + "\n");
      for (int i = 0; i < probabilities.length; i++) {
        StringBuilder line = new StringBuilder(holdout.ids().get(i)).append(',');
        line.append(holdout.labels()[i]);
        for (float p : probabilities[i]) {
          line.append(',').append(p);
        }
        writer.write(line + "\n");
      }
    }
  }
}
