package io.streamtune.model.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The CPU-side logic of bench/gpu_check.sh: flavor naming and the fall-back verdict. */
class GpuCheckTest {

  @Test
  void theFlavorIsReadFromDjlsCacheFolderName() {
    assertThat(GpuCheck.flavor("/cache/pytorch/2.7.1-cu128-linux-x86_64")).isEqualTo("cu128");
    assertThat(GpuCheck.flavor("/cache/pytorch/2.7.1-20250812-cpu-linux-x86_64")).isEqualTo("cpu");
    assertThat(GpuCheck.flavor("/cache/pytorch/2.5.1-cu124-precxx11-linux-aarch64"))
        .isEqualTo("cu124-precxx11");
    // a user's libtorch says nothing in its folder name: PYTORCH_FLAVOR, unset here
    assertThat(GpuCheck.flavor("/venv/lib/python3.12/site-packages/torch/lib")).isEqualTo("cpu");
  }

  /**
   * The trap the script guards against: the pytorch-native-cpu jar on the classpath (as here) wins
   * over PYTORCH_FLAVOR, and asking for the GPU must then fail loudly instead of training on the
   * CPU.
   */
  @Test
  void askingForTheGpuOnCpuNativesExitsWithFellBackBeforeTraining() {
    assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a usable GPU");
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      status = GpuCheck.run(true, 1, 1, 8);
    } finally {
      System.setOut(stdout);
    }

    assertThat(status).isEqualTo(GpuCheck.FELL_BACK_TO_CPU);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("gpu_check: FAILED: no GPU: fell back to CPU: PyTorch sees no GPU (natives: cpu)")
        .contains("CPU natives loaded")
        .doesNotContain("samples/s");
  }
}
