package io.streamtune.launcher.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.rpc.RpcService;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedRpcSystemLoaderTest {

  @Test
  void flinkLoadsTheSharedSystemAndClosingOneLeavesItUsable() throws Exception {
    RpcSystem first = RpcSystem.load(new Configuration());
    RpcSystem second = RpcSystem.load(new Configuration());
    // Flink's own loader would give a CleanupOnCloseRpcSystem over a new class loader each time
    assertThat(first.getClass().getName()).contains("SharedRpcSystemLoader");
    Class<?> pekko = SharedRpcSystemLoader.sharedSystem().getClass();
    assertThat(pekko.getClassLoader()).isNotEqualTo(RpcSystem.class.getClassLoader());

    first.close();
    RpcService service =
        second
            .remoteServiceBuilder(new Configuration(), "127.0.0.1", "0")
            .withBindAddress("127.0.0.1")
            .createAndStart();
    try {
      assertThat(service.getAddress()).isEqualTo("127.0.0.1");
      assertThat(service.getPort()).isPositive();
    } finally {
      service.closeAsync().get();
    }
    assertThat(SharedRpcSystemLoader.sharedSystem().getClass()).isSameAs(pekko);
  }

  @Test
  void theSwitchHandsLoadingBackToFlink() throws Exception {
    System.setProperty(SharedRpcSystemLoader.SWITCH, "false");
    try (RpcSystem own = RpcSystem.load(new Configuration())) {
      assertThat(own.getClass().getSimpleName()).isEqualTo("CleanupOnCloseRpcSystem");
    } finally {
      System.clearProperty(SharedRpcSystemLoader.SWITCH);
    }
  }

  @Test
  void theJarIsCopiedOnceUnderAStableName(@TempDir Path dir) throws Exception {
    ClassLoader flink = RpcSystem.class.getClassLoader();
    Path jar = SharedRpcSystemLoader.extract(flink, dir);
    long written = Files.getLastModifiedTime(jar).toMillis();
    Thread.sleep(20);
    assertThat(SharedRpcSystemLoader.extract(flink, dir)).isEqualTo(jar);
    assertThat(Files.getLastModifiedTime(jar).toMillis()).isEqualTo(written);
    assertThat(jar.getFileName().toString()).matches("streamtune-flink-rpc-\\d+-[0-9a-f]{8}\\.jar");
    try (var in = flink.getResourceAsStream("flink-rpc-akka.jar")) {
      assertThat(Files.size(jar)).isEqualTo(in.readAllBytes().length);
    }
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(jar); // no partial copy left behind
    }
  }

  @Test
  void aTamperedCopyOfTheSameSizeIsReplaced(@TempDir Path dir) throws Exception {
    ClassLoader flink = RpcSystem.class.getClassLoader();
    Path jar = SharedRpcSystemLoader.extract(flink, dir);
    byte[] original = Files.readAllBytes(jar);
    byte[] tampered = original.clone();
    tampered[tampered.length / 2] ^= 0x5a;
    Files.write(jar, tampered);
    assertThat(SharedRpcSystemLoader.extract(flink, dir)).isEqualTo(jar);
    assertThat(Files.readAllBytes(jar)).isEqualTo(original);
  }
}
