package io.streamtune.model.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Utils;
import io.streamtune.model.engine.EngineInfo;
import io.streamtune.model.image.ImageClassifierFineTuner;
import io.streamtune.model.text.bert.BertFineTuner;
import io.streamtune.model.text.bert.TransformerFineTuneConfig;
import io.streamtune.model.text.bert.bench.FineTuneBenchmark;
import io.streamtune.model.training.RoundLoop;
import io.streamtune.model.training.TrainSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The Java side of bench/gpu_check.sh (not a unit test): trains the image pipeline's SmallCnn
 * ({@link ImageClassifierFineTuner}) and fine-tunes all-MiniLM-L6-v2 ({@link BertFineTuner}) for a
 * few steps on the GPU, then the same on the CPU, and prints the libtorch build that loaded and
 * samples/s of each side by side. Exits 3 when DJL fell back to the CPU, 4 when the engine did not
 * load.
 *
 * <pre>
 *   java ... GpuCheck gpu|cpu &lt;cnn steps&gt; &lt;minilm steps&gt; [&lt;minilm tokens&gt;]
 * </pre>
 *
 * With {@code cpu} only the CPU runs (to try the check on a machine without a GPU).
 */
public final class GpuCheck {

  static final int FELL_BACK_TO_CPU = 3;
  static final int NO_ENGINE = 4;

  private static final int CNN_BATCH = 64;
  private static final int MINILM_BATCH = 16;

  private GpuCheck() {}

  /** One timed training run. */
  record Measure(
      Device device, Device arraysOn, int samples, int steps, double seconds, String what) {
    double samplesPerSecond() {
      return samples / seconds;
    }
  }

  public static void main(String[] args) {
    if (args.length < 3 || !(args[0].equals("gpu") || args[0].equals("cpu"))) {
      System.err.println(
          "usage: GpuCheck gpu|cpu <cnn steps> <minilm steps> [<minilm tokens per text>]");
      System.exit(2);
    }
    int tokens = args.length > 3 ? Integer.parseInt(args[3]) : 128;
    System.exit(
        run(args[0].equals("gpu"), Integer.parseInt(args[1]), Integer.parseInt(args[2]), tokens));
  }

  static int run(boolean gpu, int cnnSteps, int minilmSteps, int tokens) {
    say(
        "PYTORCH_FLAVOR=%s PYTORCH_VERSION=%s PYTORCH_LIBRARY_PATH=%s DJL_CACHE_DIR=%s offline=%s",
        setting("PYTORCH_FLAVOR"),
        setting("PYTORCH_VERSION"),
        setting("PYTORCH_LIBRARY_PATH"),
        setting("DJL_CACHE_DIR"),
        Utils.isOfflineMode());
    Engine engine;
    try {
      engine = Engine.getInstance();
    } catch (RuntimeException | LinkageError e) {
      say("FAILED: the PyTorch engine did not load: %s", causes(e));
      say(
          "  online: DJL downloads PYTORCH_FLAVOR from publish.djl.ai into DJL_CACHE_DIR (network"
              + " needed once); offline: set PYTORCH_LIBRARY_PATH to a libtorch %s folder with a"
              + " matching PYTORCH_FLAVOR",
          setting("PYTORCH_VERSION"));
      return NO_ENGINE;
    }
    String natives = LibUtils.getLibtorchPath();
    String flavor = flavor(natives);
    say(
        "engine %s %s (DJL %s), natives %s from %s, GPUs PyTorch sees: %d, CPU threads: %s",
        engine.getEngineName(),
        engine.getVersion(),
        Engine.getDjlVersion(),
        flavor,
        natives,
        engine.getGpuCount(),
        System.getProperty("ai.djl.pytorch.num_threads", "default"));

    List<Device> devices = new ArrayList<>();
    if (gpu) {
      String problem = gpuProblem(engine, flavor);
      if (problem != null) {
        return fellBack(problem, flavor);
      }
      devices.add(Device.gpu());
    } else {
      say("GPU not checked (GPU_CHECK_DEVICE=cpu): CPU only");
    }
    devices.add(Device.cpu());

    List<Measure> cnn = new ArrayList<>();
    List<Measure> minilm = new ArrayList<>();
    for (Device device : devices) {
      cnn.add(smallCnn(device, cnnSteps));
      minilm.add(miniLm(device, minilmSteps, tokens));
    }
    for (Measure m : concat(cnn, minilm)) {
      if (m.device().isGpu() && !m.arraysOn().isGpu()) {
        return fellBack(
            "the model's parameters were on " + m.arraysOn() + ", not " + m.device(), flavor);
      }
    }
    report("SmallCnn", cnn);
    report("MiniLM-L6", minilm);
    say(
        gpu
            ? "OK: both trained on %s with %s natives"
            : "OK (CPU only, %s; the GPU path was not checked, flavor %s)",
        devices.get(0),
        flavor);
    return 0;
  }

  /** Null when a GPU works, else what is wrong. */
  static String gpuProblem(Engine engine, String flavor) {
    if (engine.getGpuCount() == 0) {
      return "PyTorch sees no GPU (natives: " + flavor + ")";
    }
    try (NDManager manager = NDManager.newBaseManager(Device.gpu())) {
      NDArray ones = manager.ones(new Shape(4));
      float sum = ones.add(ones).sum().getFloat();
      if (!ones.getDevice().isGpu() || sum != 8f) {
        return "an array made on gpu(0) is on " + ones.getDevice() + " (sum " + sum + ")";
      }
      return null;
    } catch (RuntimeException e) {
      return "an array on gpu(0) failed: " + causes(e);
    }
  }

  private static int fellBack(String problem, String flavor) {
    say("FAILED: no GPU: fell back to CPU: %s", problem);
    if (flavor.startsWith("cpu")) {
      say(
          "  CPU natives loaded: DJL takes the pytorch-native-cpu jar from the classpath before it"
              + " reads PYTORCH_FLAVOR (bench/gpu_check.sh leaves it out in gpu mode), or"
              + " PYTORCH_LIBRARY_PATH points at a CPU libtorch");
    } else {
      say(
          "  CUDA natives loaded but no usable device: check nvidia-smi, a driver recent enough"
              + " for CUDA 12.8, CUDA_VISIBLE_DEVICES, and in a container the GPU reservation"
              + " (docker-compose.gpu.yml) and the NVIDIA Container Toolkit");
    }
    return FELL_BACK_TO_CPU;
  }

  /** The production image fine-tuner, SmallCnn from scratch, on random 28x28 images. */
  static Measure smallCnn(Device device, int steps) {
    TrainSettings settings = TrainSettings.simple(0.001, 0.0, 1, CNN_BATCH, 7);
    Random random = new Random(7);
    try (ImageClassifierFineTuner tuner =
        ImageClassifierFineTuner.create(10, settings, null, device)) {
      // a warm-up round: first kernels, cuDNN algorithm choice, allocator
      tuner.train(images(random, 2 * CNN_BATCH), labels(random, 2 * CNN_BATCH, 10), () -> false);
      int n = steps * CNN_BATCH;
      byte[][] images = images(random, n);
      int[] labels = labels(random, n, 10);
      long start = System.nanoTime();
      RoundLoop.Result result = tuner.train(images, labels, () -> false);
      double seconds = (System.nanoTime() - start) / 1e9;
      Device on = tuner.model().getBlock().getParameters().get(0).getValue().getArray().getDevice();
      return new Measure(
          device,
          on,
          result.trainExamples(),
          result.steps(),
          seconds,
          String.format(Locale.ROOT, "%d steps x %d images, float32", result.steps(), CNN_BATCH));
    }
  }

  /** Full fine-tuning of the shipped MiniLM on a fixed batch of token ids (as bench speed). */
  static Measure miniLm(Device device, int steps, int tokens) {
    TransformerFineTuneConfig config = FineTuneBenchmark.speedConfig(MINILM_BATCH, tokens);
    BertFineTuner tuner = new BertFineTuner(config);
    try (Model model = tuner.newModel("gpu-check", 2, device)) {
      long[] ids = FineTuneBenchmark.syntheticIdsForTest(MINILM_BATCH, tokens);
      int[] labels = new int[MINILM_BATCH];
      for (int i = 0; i < MINILM_BATCH; i++) {
        labels[i] = i % 2;
      }
      tuner.fitIds(model, ids, MINILM_BATCH, tokens, labels, 1); // warm-up
      BertFineTuner.Result result = tuner.fitIds(model, ids, MINILM_BATCH, tokens, labels, steps);
      Device on = model.getBlock().getParameters().get(0).getValue().getArray().getDevice();
      return new Measure(
          device,
          on,
          steps * MINILM_BATCH,
          steps,
          result.seconds(),
          String.format(
              Locale.ROOT,
              "%d steps x %d texts x %d tokens, %s",
              steps,
              MINILM_BATCH,
              tokens,
              result.computeType()));
    }
  }

  private static void report(String name, List<Measure> measures) {
    Measure first = measures.get(0);
    Measure cpu = measures.get(measures.size() - 1);
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%-9s %-7s %9.1f samples/s (%s; params on %s)",
                name,
                first.device(),
                first.samplesPerSecond(),
                first.what(),
                first.arraysOn()));
    if (measures.size() > 1) {
      line.append(
          String.format(
              Locale.ROOT,
              " | %s %9.1f samples/s (%s) | GPU/CPU %.1fx",
              cpu.device(),
              cpu.samplesPerSecond(),
              cpu.what(),
              first.samplesPerSecond() / cpu.samplesPerSecond()));
    }
    say("%s", line);
  }

  /** The flavor from the cache folder DJL loaded from, or the override's setting. */
  static String flavor(String nativesDir) {
    return EngineInfo.flavorOf(
        Path.of(nativesDir).getFileName().toString(),
        Utils.getEnvOrSystemProperty("PYTORCH_FLAVOR"),
        false);
  }

  private static byte[][] images(Random random, int n) {
    byte[][] images = new byte[n][ImageClassifierFineTuner.PIXELS];
    for (byte[] image : images) {
      random.nextBytes(image);
    }
    return images;
  }

  private static int[] labels(Random random, int n, int classes) {
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(classes);
    }
    return labels;
  }

  private static String setting(String key) {
    String value = Utils.getEnvOrSystemProperty(key);
    return value == null || value.isEmpty() ? "(unset)" : value;
  }

  private static String causes(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (text.length() > 0) {
        text.append(" <- ");
      }
      text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
    }
    return text.toString();
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void say(String format, Object... args) {
    System.out.println("gpu_check: " + String.format(Locale.ROOT, format, args));
    System.out.flush();
  }
}
