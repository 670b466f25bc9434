package io.streamtune.model.text.bert.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.model.text.HashedTfidf;
import io.streamtune.model.text.LinearHeadTrainer;
import io.streamtune.model.text.MiniLmEncoder;
import io.streamtune.model.text.bert.BertClassifier;
import io.streamtune.model.text.bert.BertEncoder;
import io.streamtune.model.text.bert.BertFineTuner;
import io.streamtune.model.text.bert.MiniLmTokenizer;
import io.streamtune.model.text.bert.OnnxBertImport;
import io.streamtune.model.text.bert.TransformerFineTuneConfig;
import io.streamtune.spec.TransformerSpec;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Benchmarks for bench/minilm_finetune.sh (not a unit test).
 *
 * <pre>
 *   speed &lt;weights-out&gt; &lt;steps&gt;   export weights for the PyTorch peer, time full fine-tuning steps
 *                                     at batch 16 x 128 tokens
 *   f1 &lt;train.csv&gt; &lt;test.csv&gt; &lt;N,N,..&gt; &lt;seeds&gt; [first seed]  macro F1: full fine-tuning
 *                                     vs frozen probe vs TF-IDF, seeds first .. first + seeds - 1
 * </pre>
 */
public final class FineTuneBenchmark {

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "speed" -> speed(Path.of(args[1]), Integer.parseInt(args[2]));
      case "f1" ->
          f1(
              Path.of(args[1]),
              Path.of(args[2]),
              args[3],
              Integer.parseInt(args[4]),
              args.length > 5 ? Integer.parseInt(args[5]) : 0);
      default -> throw new IllegalArgumentException("mode must be speed or f1");
    }
  }

  /** Same synthetic batch on both sides: 16 rows of 128 ids from a seeded generator. */
  public static long[] syntheticIdsForTest(int rows, int length) {
    return syntheticIds(rows, length);
  }

  static long[] syntheticIds(int rows, int length) {
    long[] ids = new long[rows * length];
    long state = 12345;
    for (int i = 0; i < ids.length; i++) {
      state = (state * 6364136223846793005L + 1442695040888963407L);
      ids[i] = 1000 + Math.floorMod(state >>> 33, 20000);
    }
    for (int r = 0; r < rows; r++) {
      ids[r * length] = 101;
      ids[r * length + length - 1] = 102;
    }
    return ids;
  }

  /** The speed benchmark's settings: full fine-tuning, batch {@code rows} x {@code length}. */
  public static TransformerFineTuneConfig speedConfig(int rows, int length) {
    return new TransformerFineTuneConfig(
        TransformerFineTuneConfig.MINILM,
        TransformerSpec.Strategy.FULL,
        1,
        5e-5,
        1e-3,
        0.9,
        0,
        0.0,
        0.01,
        1.0,
        1,
        rows,
        length,
        0.1f,
        TransformerSpec.Precision.AUTO,
        42);
  }

  static void speed(Path weightsOut, int steps) throws IOException {
    int rows = 16;
    int length = 128;
    TransformerFineTuneConfig config = speedConfig(rows, length);
    BertFineTuner tuner = new BertFineTuner(config);
    Device device = Engine.getInstance().defaultDevice();
    try (Model model = tuner.newModel("speed", 2, device)) {
      BertClassifier classifier = (BertClassifier) model.getBlock();
      exportWeights(classifier, weightsOut, rows, length);
      long[] ids = syntheticIds(rows, length);
      int[] labels = new int[rows];
      for (int i = 0; i < rows; i++) {
        labels[i] = i % 2;
      }
      // the peer times the same fixed batch of ids, so tokenising is out of both measurements
      BertFineTuner.Result warm = tuner.fitIds(model, ids, rows, length, labels, 2);
      BertFineTuner.Result result = tuner.fitIds(model, ids, rows, length, labels, steps);
      System.out.printf(
          "DJL %s (%s %s native, %s threads): full fine-tuning, batch %d x %d tokens: %.3f steps/s"
              + " (%.2f s/step over %d steps; %s products; warm-up %d steps)%n",
          Engine.getDjlVersion(),
          Engine.getInstance().getEngineName(),
          Engine.getInstance().getVersion(),
          System.getProperty("ai.djl.pytorch.num_threads", "default"),
          rows,
          length,
          result.stepsPerSecond(),
          1 / result.stepsPerSecond(),
          steps,
          result.computeType(),
          warm.steps());
      String profileDir = System.getenv("PROFILE_DIR");
      if (profileDir != null) {
        // two more steps under libtorch's profiler, after the timed ones (it slows them)
        JniUtils.startProfile(false, false, false);
        tuner.fitIds(model, ids, rows, length, labels, 2);
        JniUtils.stopProfile(Path.of(profileDir, "djl_trace.json").toString());
      }
    }
  }

  /** name, dims, float32 little-endian data per tensor, PyTorch names; plus a pooled probe. */
  static void exportWeights(BertClassifier classifier, Path out, int rows, int length)
      throws IOException {
    Map<String, Parameter> parameters = OnnxBertImport.pytorchParameters(classifier.encoder());
    try (DataOutputStream data = new DataOutputStream(Files.newOutputStream(out))) {
      data.writeBytes("STW1");
      data.writeInt(parameters.size());
      for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
        writeTensor(
            data,
            e.getKey(),
            e.getValue().getArray().getShape().getShape(),
            e.getValue().getArray().toFloatArray());
      }
      // a probe: DJL's mean-pooled output for the first two synthetic rows, for the peer to match
      long[] ids = syntheticIds(2, 16);
      try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
        NDArray idArray = manager.create(ids, new ai.djl.ndarray.types.Shape(2, 16));
        NDArray mask = manager.ones(idArray.getShape(), ai.djl.ndarray.types.DataType.INT64);
        NDArray types = manager.zeros(idArray.getShape(), ai.djl.ndarray.types.DataType.INT64);
        NDArray hidden =
            classifier
                .encoder()
                .forward(
                    new ParameterStore(manager, false), new NDList(idArray, mask, types), false)
                .head();
        float[] pooled = BertEncoder.meanPool(hidden, mask).toFloatArray();
        writeTensor(data, "probe.pooled", new long[] {2, 384}, pooled);
      }
    }
  }

  private static void writeTensor(DataOutputStream data, String name, long[] dims, float[] values)
      throws IOException {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    data.writeInt(bytes.length);
    data.write(bytes);
    data.writeInt(dims.length);
    for (long d : dims) {
      data.writeLong(d);
    }
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    data.write(buffer.array());
  }

  record Rows(List<String> texts, int[] labels) {}

  /** label TAB text per line (bench/minilm_finetune.sh writes it from the CSV). */
  static Rows read(Path tsv) throws IOException {
    List<String> texts = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
      int tab = line.indexOf('\t');
      labels.add(line.substring(0, tab).equals("great") ? 0 : 1);
      texts.add(line.substring(tab + 1));
    }
    return new Rows(texts, labels.stream().mapToInt(Integer::intValue).toArray());
  }

  /** A stratified sample of n rows, seeded. */
  static int[] sample(int[] labels, int n, long seed) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      order.add(i);
    }
    java.util.Collections.shuffle(order, new Random(seed));
    int[] perClass = new int[2];
    for (int label : labels) {
      perClass[label]++;
    }
    int[] quota = {(int) Math.round((double) n * perClass[0] / labels.length), 0};
    quota[1] = n - quota[0];
    int[] taken = new int[2];
    int[] picked = new int[n];
    int k = 0;
    for (int i : order) {
      if (taken[labels[i]] < quota[labels[i]]) {
        taken[labels[i]]++;
        picked[k++] = i;
      }
      if (k == n) {
        break;
      }
    }
    return picked;
  }

  static void f1(Path trainCsv, Path testCsv, String ns, int seeds, int firstSeed)
      throws Exception {
    Rows train = read(trainCsv);
    Rows test = read(testCsv);
    Device device = Engine.getInstance().defaultDevice();
    System.out.println("N,seed,method,macroF1,seconds");
    float[][] testEmbeddings;
    float[][] trainEmbeddings;
    try (MiniLmEncoder encoder =
        new MiniLmEncoder(new MiniLmEncoder.Options(256, 256 * 16, 32, 2, true))) {
      testEmbeddings = encoder.encode(test.texts());
      trainEmbeddings = encoder.encode(train.texts());
    }
    for (String nText : ns.split(",")) {
      int n = Integer.parseInt(nText);
      for (int seed = firstSeed; seed < firstSeed + seeds; seed++) {
        int[] rows = sample(train.labels(), n, seed);
        List<String> texts = new ArrayList<>();
        int[] labels = new int[n];
        float[][] embedded = new float[n][];
        for (int i = 0; i < n; i++) {
          texts.add(train.texts().get(rows[i]));
          labels[i] = train.labels()[rows[i]];
          embedded[i] = trainEmbeddings[rows[i]];
        }
        long start = System.nanoTime();
        var probe =
            new LinearHeadTrainer(LinearHeadTrainer.Options.defaults(seed))
                .fit(io.streamtune.model.text.FeatureRows.dense(embedded), labels, 2);
        report(
            n,
            seed,
            "frozen-minilm-probe",
            ClassificationMetrics.macroF1(
                test.labels(),
                probe.head().predict(io.streamtune.model.text.FeatureRows.dense(testEmbeddings)),
                2),
            start);

        start = System.nanoTime();
        HashedTfidf tfidf = HashedTfidf.fit(texts);
        var tfidfHead =
            new LinearHeadTrainer(LinearHeadTrainer.Options.defaults(seed))
                .fit(
                    io.streamtune.model.text.FeatureRows.sparse(
                        tfidf.transform(texts), tfidf.buckets()),
                    labels,
                    2);
        report(
            n,
            seed,
            "tfidf-linear",
            ClassificationMetrics.macroF1(
                test.labels(),
                tfidfHead
                    .head()
                    .predict(
                        io.streamtune.model.text.FeatureRows.sparse(
                            tfidf.transform(test.texts()), tfidf.buckets())),
                2),
            start);

        start = System.nanoTime();
        TransformerFineTuneConfig config =
            TransformerFineTuneConfig.fromMap(Map.of("maxLength", 128, "epochs", 4, "seed", seed));
        BertFineTuner tuner = new BertFineTuner(config);
        try (Model model = tuner.newModel("bench", 2, device);
            MiniLmTokenizer tokenizer =
                new MiniLmTokenizer(config.maxLength(), config.maxLength() * 16)) {
          tuner.fit(model, tokenizer, texts, labels);
          float[][] p = BertFineTuner.predictProbabilities(model, tokenizer, test.texts(), 32);
          int[] predicted = new int[p.length];
          for (int i = 0; i < p.length; i++) {
            predicted[i] = p[i][1] > p[i][0] ? 1 : 0;
          }
          report(
              n,
              seed,
              "full-finetune-minilm",
              ClassificationMetrics.macroF1(test.labels(), predicted, 2),
              start);
        }
      }
    }
  }

  private static void report(int n, int seed, String method, double f1, long start) {
    System.out.printf(
        "%d,%d,%s,%.4f,%.1f%n", n, seed, method, f1, (System.nanoTime() - start) / 1e9);
    System.out.flush();
  }
}
