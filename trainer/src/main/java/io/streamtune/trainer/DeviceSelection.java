package io.streamtune.trainer;

import ai.djl.Device;
import io.streamtune.common.config.ConfigException;
import io.streamtune.spec.TrainerSpec.DeviceKind;

/** Where to train, from the setting and the GPUs PyTorch sees; no engine needed. */
final class DeviceSelection {

  private DeviceSelection() {}

  /**
   * @param gpuCount the GPUs the engine sees ({@code Engine.getGpuCount()})
   * @param key the setting's name, for the error
   * @throws ConfigException when {@code gpu} is asked for and there is none
   */
  static Device select(DeviceKind choice, int gpuCount, String key) {
    return switch (choice) {
      case CPU -> Device.cpu();
      case AUTO -> gpuCount > 0 ? Device.gpu() : Device.cpu();
      case GPU -> {
        if (gpuCount <= 0) {
          throw new ConfigException(
              "configuration key '"
                  + key
                  + "' is gpu but PyTorch sees no GPU (CPU natives loaded, or no CUDA device;"
                  + " see README \"GPU\"); allowed values: [auto, cpu, gpu]");
        }
        yield Device.gpu();
      }
    };
  }
}
