package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.dashboard.web.DashboardSettings;
import io.streamtune.schemas.topics.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dashboard feed whose start fails after it opened its port leaves nothing open behind. */
class DashboardFeedStartTest {

  @TempDir Path store;

  @Test
  void aFeedThatCannotMakeItsConsumersReleasesItsPort() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    // no port in the address: the first consumer fails to be made, after the page's port is bound
    KafkaConnection unusable =
        new KafkaConnection("no-port-here", "http://127.0.0.1:1", Topics.withDefaultPrefix());

    assertThatThrownBy(
            () -> DashboardFeed.start(unusable, new DashboardSettings("127.0.0.1", port), store))
        .isInstanceOf(KafkaException.class);

    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(again.getLocalPort()).as("the feed's port is free again").isEqualTo(port);
    }
  }
}
