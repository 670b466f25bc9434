package io.streamtune.launcher.flink;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.ServiceLoader;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.classloading.SubmoduleClassLoader;
import org.apache.flink.runtime.rpc.AddressResolution;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.apache.flink.runtime.rpc.RpcSystemLoader;

/**
 * Flink's RPC system (Pekko and Scala, {@code flink-rpc-akka.jar} inside {@code
 * flink-rpc-akka-loader}) loaded once per JVM instead of once per MiniCluster.
 *
 * <p>Flink's own loader copies the jar to a new temp file with a random name and opens a new class
 * loader at every MiniCluster start, so each start loads its ~1,460 classes again and throws their
 * compiled code away (docs/benchmarks.md, "Cold start"): a JVM that runs several jobs (the
 * benchmarks' runs, the tests) paid that every time. This loader, found by Flink's {@code
 * RpcSystem.load} ahead of Flink's (lower priority number), copies the jar once to a path named by
 * its size and checksum and keeps one class loader for the JVM; the returned systems do not close
 * it. Each MiniCluster still builds and stops its own actor systems.
 *
 * <p>{@code -Dstreamtune.flink.rpc.shared=false} hands every load to Flink's loader (the behaviour
 * before, for bench/cold_start.sh's "before").
 */
public final class SharedRpcSystemLoader implements RpcSystemLoader {

  private static final String FAT_JAR = "flink-rpc-akka.jar";
  static final String SWITCH = "streamtune.flink.rpc.shared";
  private static RpcSystem shared;

  @Override
  public int getLoadPriority() {
    return -1; // Flink's PekkoRpcSystemLoader is 0; the lowest is used
  }

  @Override
  public RpcSystem loadRpcSystem(Configuration config) {
    if (!Boolean.parseBoolean(System.getProperty(SWITCH, "true"))) {
      return new org.apache.flink.runtime.rpc.pekko.PekkoRpcSystemLoader().loadRpcSystem(config);
    }
    return new Unclosed(sharedSystem());
  }

  /** The JVM's one RPC system; loaded on first use. */
  static synchronized RpcSystem sharedSystem() {
    if (shared == null) {
      try {
        ClassLoader flink = RpcSystem.class.getClassLoader();
        Path jar = extract(flink, Path.of(System.getProperty("java.io.tmpdir")));
        SubmoduleClassLoader loader =
            new SubmoduleClassLoader(new URL[] {jar.toUri().toURL()}, flink);
        shared = ServiceLoader.load(RpcSystem.class, loader).iterator().next();
      } catch (IOException e) {
        throw new UncheckedIOException("could not load Flink's RPC system from " + FAT_JAR, e);
      }
    }
    return shared;
  }

  /**
   * The fat jar copied to {@code dir} under a name made of its size and CRC (the same file for
   * every JVM of this Flink version); written to a temp file and moved, so concurrent JVMs do not
   * read a half-written copy. An existing copy is used only when its bytes equal the jar's.
   */
  static Path extract(ClassLoader flink, Path dir) throws IOException {
    byte[] bytes;
    try (InputStream in = flink.getResourceAsStream(FAT_JAR)) {
      if (in == null) {
        throw new IOException(FAT_JAR + " is not on the class path (flink-rpc-akka-loader)");
      }
      bytes = in.readAllBytes();
    }
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(bytes);
    Path jar =
        dir.resolve(
            String.format("streamtune-flink-rpc-%d-%08x.jar", bytes.length, crc.getValue()));
    // the name is predictable in a shared temp dir: trust an existing file only if its bytes match
    if (!Files.isRegularFile(jar) || !Arrays.equals(Files.readAllBytes(jar), bytes)) {
      Files.createDirectories(dir);
      Path partial = Files.createTempFile(dir, "streamtune-flink-rpc", ".part");
      Files.write(partial, bytes);
      Files.move(partial, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    return jar;
  }

  /** Delegates to the shared system; closing it leaves the shared class loader open. */
  private static final class Unclosed implements RpcSystem {
    private final RpcSystem system;

    Unclosed(RpcSystem system) {
      this.system = system;
    }

    @Override
    public RpcServiceBuilder localServiceBuilder(Configuration configuration) {
      return system.localServiceBuilder(configuration);
    }

    @Override
    public RpcServiceBuilder remoteServiceBuilder(
        Configuration configuration, String externalAddress, String externalPortRange) {
      return system.remoteServiceBuilder(configuration, externalAddress, externalPortRange);
    }

    @Override
    public String getRpcUrl(
        String hostname,
        int port,
        String endpointName,
        AddressResolution addressResolution,
        Configuration config)
        throws UnknownHostException {
      return system.getRpcUrl(hostname, port, endpointName, addressResolution, config);
    }

    @Override
    public InetSocketAddress getInetSocketAddressFromRpcUrl(String url) throws Exception {
      return system.getInetSocketAddressFromRpcUrl(url);
    }

    @Override
    public long getMaximumMessageSizeInBytes(Configuration config) {
      return system.getMaximumMessageSizeInBytes(config);
    }

    @Override
    public void close() {
      // the shared loader stays open for the JVM's next MiniCluster
    }
  }
}
