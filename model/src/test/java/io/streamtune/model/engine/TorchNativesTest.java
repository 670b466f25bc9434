package io.streamtune.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.model.engine.TorchNatives.Plan;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TorchNativesTest {

  private static final Optional<String> LINUX_X86 = Optional.of("linux-x86_64");

  @Test
  void platformsAreNamedAsDjlNamesItsNativeJars() {
    assertThat(TorchNatives.platformOf("Linux", "amd64")).isEqualTo("linux-x86_64");
    assertThat(TorchNatives.platformOf("Linux", "aarch64")).isEqualTo("linux-aarch64");
    assertThat(TorchNatives.platformOf("Mac OS X", "aarch64")).isEqualTo("osx-aarch64");
    assertThat(TorchNatives.platformOf("Mac OS X", "x86_64")).isEqualTo("osx-x86_64");
    assertThat(TorchNatives.platformOf("Windows 11", "amd64")).isEqualTo("win-x86_64");
    assertThat(TorchNatives.platformOf("FreeBSD", "riscv64")).isEqualTo("freebsd-riscv64");
  }

  @Test
  void matchingBundledNativesRunOffline() {
    Plan plan = TorchNatives.plan("linux-x86_64", LINUX_X86, Map.of());
    assertThat(plan).isEqualTo(new Plan.Bundled("linux-x86_64"));
    assertThat(plan.offlineCapable()).isTrue();
  }

  @Test
  void aLibraryPathWinsAndNeedsNoNetwork() {
    Plan plan =
        TorchNatives.plan(
            "linux-x86_64",
            LINUX_X86,
            Map.of("PYTORCH_LIBRARY_PATH", "/opt/torch/lib", "PYTORCH_FLAVOR", "cu128"));
    assertThat(plan).isEqualTo(new Plan.External("/opt/torch/lib", "cu128"));
    assertThat(plan.offlineCapable()).isTrue();
  }

  @Test
  void aGpuFlavorIsDownloadedByDjlWhenTheCpuJarIsOffTheClassPath() {
    Plan plan =
        TorchNatives.plan("linux-x86_64", Optional.empty(), Map.of("PYTORCH_FLAVOR", "cu128"));
    assertThat(plan).isEqualTo(new Plan.Download("linux-x86_64", "cu128", "PYTORCH_FLAVOR=cu128"));
    assertThat(plan.offlineCapable()).isFalse();
  }

  @Test
  void aGpuFlavorBesideTheCpuJarFailsAtStartInsteadOfQuietlyTrainingOnTheCpu() {
    // DJL 0.36 loads a natives jar of the right platform and version before it reads the flavor
    Plan plan = TorchNatives.plan("linux-x86_64", LINUX_X86, Map.of("PYTORCH_FLAVOR", "cu128"));
    assertThat(((Plan.Unsupported) plan).message())
        .startsWith("PYTORCH_FLAVOR=cu128 asks for GPU natives, but the pytorch-native-cpu jar")
        .contains("leave pytorch-native-cpu-*.jar off the class path")
        .contains("PYTORCH_LIBRARY_PATH");
  }

  @Test
  void aJarBuiltForAnotherPublishedPlatformLetsDjlFetchTheRightOne() {
    Plan plan = TorchNatives.plan("osx-aarch64", LINUX_X86, Map.of());
    assertThat(plan).isInstanceOf(Plan.Download.class);
    assertThat(((Plan.Download) plan).why())
        .startsWith("the bundled PyTorch natives are for linux-x86_64, this machine is osx-aarch64")
        .contains("pytorch-native-cpu:2.7.1:osx-aarch64");
  }

  @Test
  void aPlatformWithoutDjlNativesFailsWithThePlatformAndTheFix() {
    Plan plan = TorchNatives.plan("osx-x86_64", LINUX_X86, Map.of());
    assertThat(((Plan.Unsupported) plan).message())
        .startsWith(
            "this machine is osx-x86_64 and the bundled PyTorch natives are for linux-x86_64")
        .contains("linux-aarch64, linux-x86_64, osx-aarch64, win-x86_64")
        .contains("PYTORCH_LIBRARY_PATH")
        .contains("PYTORCH_VERSION=2.7.1");
    assertThat(TorchNatives.plan("osx-x86_64", Optional.empty(), Map.of()))
        .isInstanceOf(Plan.Unsupported.class);
  }

  @Test
  void theBuildBundlesTheNativesOfTheMachineItRanOn() {
    String here =
        TorchNatives.platformOf(System.getProperty("os.name"), System.getProperty("os.arch"));
    assertThat(TorchNatives.bundledClassifier(getClass().getClassLoader())).contains(here);
    assertThat(TorchNatives.configure()).isEqualTo(new Plan.Bundled(here));
  }
}
