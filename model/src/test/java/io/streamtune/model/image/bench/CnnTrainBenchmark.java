package io.streamtune.model.image.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.streamtune.model.image.ImageClassifierFineTuner;
import io.streamtune.model.image.SmallCnn;
import io.streamtune.model.training.RoundLoop;
import io.streamtune.model.training.TrainSettings;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * The DJL side of bench/cnn_train_bench.sh (not a unit test): trains the production {@link
 * ImageClassifierFineTuner} (SmallCnn from scratch, Adam, batch 64, one epoch per round through
 * {@link RoundLoop}) on Fashion-MNIST training images, on commands from stdin, so that a driver can
 * alternate it with the PyTorch peer in one run while both processes stay warm.
 *
 * <pre>
 *   java ... CnnTrainBenchmark &lt;fashion-mnist dir&gt; &lt;images&gt; &lt;batch&gt;
 *   stdin:  export &lt;dir&gt;   parameters + logits of a probe batch, for the peer's equality check
 *           run             one epoch over the images; answers "@@ run &lt;seconds&gt; &lt;cpu seconds&gt; &lt;loss&gt; &lt;steps&gt;"
 *           quit
 * </pre>
 *
 * Protocol lines start with "@@" (the engine may log to stdout too).
 */
public final class CnnTrainBenchmark {

  private static final int PROBE = 16;

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    int batch = Integer.parseInt(args[2]);
    PrintStream out = new PrintStream(new FileOutput(), true, StandardCharsets.UTF_8);
    byte[][] images = readImages(dir.resolve("train-images-idx3-ubyte.gz"), count);
    int[] labels = readLabels(dir.resolve("train-labels-idx1-ubyte.gz"), count);
    TrainSettings settings = TrainSettings.simple(0.001, 0.0, 1, batch, 7);
    // CPU time of the whole process (all threads): on a shared machine it shows the work done,
    // which wall time mixes with waiting for a core
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    try (ImageClassifierFineTuner tuner =
        ImageClassifierFineTuner.create(10, settings, null, Device.cpu())) {
      long parameters = 0;
      for (Pair<String, Parameter> p : tuner.model().getBlock().getParameters()) {
        parameters += p.getValue().getArray().size();
      }
      out.printf(
          Locale.ROOT,
          "@@ ready params %d images %d batch %d threads %s%n",
          parameters,
          count,
          batch,
          System.getProperty("ai.djl.pytorch.num_threads", "?"));
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] command = line.trim().split("\\s+");
        switch (command[0]) {
          case "export" -> {
            export(tuner, images, Path.of(command[1]));
            out.println("@@ exported");
          }
          case "run" -> {
            long cpuStart = os.getProcessCpuTime();
            long start = System.nanoTime();
            RoundLoop.Result result = tuner.train(images, labels, () -> false);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
            out.printf(
                Locale.ROOT,
                "@@ run %.6f %.6f %.6f %d%n",
                seconds,
                cpuSeconds,
                result.trainLoss(),
                result.steps());
          }
          case "quit" -> {
            return;
          }
          default -> throw new IllegalArgumentException("unknown command: " + line);
        }
      }
    }
  }

  /**
   * params.txt (one "name dims..." line per parameter, in block order), params.bin (their float32
   * little-endian values in that order), probe.bin (logits of the first images, float32 LE).
   */
  private static void export(ImageClassifierFineTuner tuner, byte[][] images, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    StringBuilder names = new StringBuilder();
    List<float[]> values = new ArrayList<>();
    for (Pair<String, Parameter> p : tuner.model().getBlock().getParameters()) {
      NDArray array = p.getValue().getArray();
      names.append(p.getKey());
      for (long d : array.getShape().getShape()) {
        names.append(' ').append(d);
      }
      names.append('\n');
      values.add(array.toFloatArray());
    }
    Files.writeString(dir.resolve("params.txt"), names);
    Files.write(dir.resolve("params.bin"), littleEndian(values));
    float[] pixels = new float[PROBE * ImageClassifierFineTuner.PIXELS];
    for (int r = 0; r < PROBE; r++) {
      for (int p = 0; p < ImageClassifierFineTuner.PIXELS; p++) {
        pixels[r * ImageClassifierFineTuner.PIXELS + p] = (images[r][p] & 0xff) / 255f;
      }
    }
    try (NDManager manager = tuner.model().getNDManager().newSubManager()) {
      NDArray x = manager.create(pixels, new Shape(PROBE, 1, SmallCnn.SIDE, SmallCnn.SIDE));
      float[] logits =
          tuner
              .model()
              .getBlock()
              .forward(new ParameterStore(manager, false), new NDList(x), false)
              .singletonOrThrow()
              .toFloatArray();
      Files.write(dir.resolve("probe.bin"), littleEndian(List.of(logits)));
    }
  }

  private static byte[] littleEndian(List<float[]> arrays) {
    int n = arrays.stream().mapToInt(a -> a.length).sum();
    ByteBuffer buffer = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] a : arrays) {
      for (float v : a) {
        buffer.putFloat(v);
      }
    }
    return buffer.array();
  }

  static byte[][] readImages(Path file, int count) throws IOException {
    try (DataInputStream in = gz(file)) {
      if (in.readInt() != 2051) {
        throw new IOException(file + " is not an IDX image file");
      }
      int n = Math.min(count, in.readInt());
      int side = in.readInt() * in.readInt();
      byte[][] images = new byte[n][side];
      for (byte[] image : images) {
        in.readFully(image);
      }
      return images;
    }
  }

  static int[] readLabels(Path file, int count) throws IOException {
    try (DataInputStream in = gz(file)) {
      if (in.readInt() != 2049) {
        throw new IOException(file + " is not an IDX label file");
      }
      int n = Math.min(count, in.readInt());
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) {
        labels[i] = in.readUnsignedByte();
      }
      return labels;
    }
  }

  private static DataInputStream gz(Path file) throws IOException {
    InputStream raw = Files.newInputStream(file);
    return new DataInputStream(new GZIPInputStream(raw, 1 << 16));
  }

  /** The protocol goes to the real stdout even if logging is redirected through System.out. */
  private static final class FileOutput extends OutputStream {
    private final OutputStream fd = new java.io.FileOutputStream(java.io.FileDescriptor.out);

    @Override
    public void write(int b) throws IOException {
      fd.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      fd.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      fd.flush();
    }
  }
}
