package io.streamtune.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class EngineInfoTest {

  @Test
  void theFlavorComesFromDjlsCacheFolderThenTheRequestThenTheEngine() {
    assertThat(EngineInfo.flavorOf("2.7.1-cpu-linux-x86_64", null, false)).isEqualTo("cpu");
    assertThat(EngineInfo.flavorOf("2.7.1-20250812-cpu-linux-x86_64", null, false))
        .isEqualTo("cpu");
    assertThat(EngineInfo.flavorOf("2.7.1-cu128-linux-x86_64", "cpu", true)).isEqualTo("cu128");
    assertThat(EngineInfo.flavorOf("2.7.1-cpu-osx-aarch64", null, false)).isEqualTo("cpu");
    assertThat(EngineInfo.flavorOf("2.5.1-cu124-precxx11-linux-aarch64", null, true))
        .isEqualTo("cu124-precxx11");
    // a user's libtorch (PYTORCH_LIBRARY_PATH): its folder says nothing
    assertThat(EngineInfo.flavorOf("lib", "cu128", true)).isEqualTo("cu128");
    assertThat(EngineInfo.flavorOf("lib", null, true)).isEqualTo("cuda");
    assertThat(EngineInfo.flavorOf(null, null, false)).isEqualTo("cpu");
  }

  @Test
  void theRunningEngineIsDescribedInOneLine() {
    EngineInfo info = EngineInfo.of(Device.cpu());
    assertThat(info.pytorchVersion()).isEqualTo(TorchNatives.PYTORCH_VERSION);
    assertThat(info.djlVersion()).isEqualTo("0.36.0");
    assertThat(info.flavor()).isEqualTo("cpu");
    assertThat(info.threads()).isEqualTo(1); // the test JVM's ai.djl.pytorch.num_threads
    assertThat(info.describe())
        .isEqualTo("DJL 0.36.0, PyTorch 2.7.1 (cpu natives), device cpu(), 1 thread");
  }
}
