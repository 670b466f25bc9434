package io.streamtune.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.util.Collections;
import java.util.Optional;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.junit.jupiter.api.Test;

/** The MiniCluster behind demo and preprocess: its REST endpoint answers on loopback only. */
class LocalEnvironmentLoopbackTest {

  @Test
  void theRestEndpointListensOnLoopbackOnly() throws Exception {
    Optional<InetAddress> external = externalAddress();
    assumeTrue(external.isPresent(), "no non-loopback IPv4 interface to try from");

    try (MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(PreprocessJob.localConfiguration())
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(1)
                .build())) {
      cluster.start();
      URI rest = cluster.getRestAddress().get();

      assertThat(rest.getHost()).isEqualTo("127.0.0.1");
      assertThat(rest.getPort()).as("a free port, not the registry's 8081").isNotEqualTo(8081);
      assertThat(connects(InetAddress.getLoopbackAddress(), rest.getPort())).isTrue();
      // before: rest.bind-address unset, the job-submission API answered on every interface
      assertThat(connects(external.get(), rest.getPort()))
          .as("REST port %d reachable on %s", rest.getPort(), external.get())
          .isFalse();
    }
  }

  private static boolean connects(InetAddress address, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 2_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Optional<InetAddress> externalAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }
}
