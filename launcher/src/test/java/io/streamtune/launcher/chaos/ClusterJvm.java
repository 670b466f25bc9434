package io.streamtune.launcher.chaos;

import io.streamtune.embedded.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** The command lines and ports of the processes of a cluster on 127.0.0.1. */
public final class ClusterJvm {

  public static final String HOST = "127.0.0.1";

  private ClusterJvm() {}

  /**
   * {@link ChildJvm#command} (this JVM's class path), with {@code quickStart} C1 only and the
   * serial GC: a restarted process is up in seconds on a loaded 2-core machine, at some cost in
   * throughput; without it the JVM's defaults (what a benchmark measures).
   */
  public static List<String> command(String main, boolean quickStart, String... options) {
    List<String> command = ChildJvm.command(main, options);
    if (quickStart) {
      command.add(1, "-XX:+UseSerialGC");
      command.add(1, "-XX:TieredStopAtLevel=1");
    }
    return command;
  }

  /** {@code count} ports free on {@value #HOST} now. */
  public static List<Integer> freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(HOST, 0));
        sockets.add(socket);
      }
      return IntStream.range(0, count).mapToObj(i -> sockets.get(i).getLocalPort()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing a probe socket
        }
      }
    }
  }
}
