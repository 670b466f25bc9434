package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.streamtune.common.config.ConfigException;
import io.streamtune.spec.TrainerSpec.DeviceKind;
import org.junit.jupiter.api.Test;

class DeviceSelectionTest {

  @Test
  void autoTakesTheFirstGpuWhenThereIsOneAndTheCpuOtherwise() {
    assertThat(DeviceSelection.select(DeviceKind.AUTO, 2, "trainer.device"))
        .isEqualTo(Device.gpu(0));
    assertThat(DeviceSelection.select(DeviceKind.AUTO, 0, "trainer.device"))
        .isEqualTo(Device.cpu());
  }

  @Test
  void cpuIsTheCpuEvenWithAGpu() {
    assertThat(DeviceSelection.select(DeviceKind.CPU, 1, "trainer.device")).isEqualTo(Device.cpu());
  }

  @Test
  void gpuWithoutAGpuFailsAtStartWithTheKeyAndTheAllowedValues() {
    assertThat(DeviceSelection.select(DeviceKind.GPU, 1, "trainer.device").isGpu()).isTrue();
    assertThatThrownBy(() -> DeviceSelection.select(DeviceKind.GPU, 0, "trainer.device"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'trainer.device' is gpu but PyTorch sees no GPU")
        .hasMessageContaining("allowed values: [auto, cpu, gpu]");
  }
}
