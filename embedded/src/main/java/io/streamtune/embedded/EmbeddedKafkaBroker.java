package io.streamtune.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in this JVM: KRaft in combined mode (broker and controller in one
 * node), listening on 127.0.0.1 only. Transactions and compaction work; internal topics have one
 * replica. Topics are never auto-created: create them with {@link #createTopics}.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final String BROKER_LISTENER = "PLAINTEXT";
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private boolean closed;

  private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Formats {@code dataDir} (unless it already holds a formatted log) and starts the broker.
   *
   * @param port the client port, or 0 for a free one
   */
  public static EmbeddedKafkaBroker start(Path dataDir, int port) {
    long started = System.nanoTime();
    int brokerPort = port == 0 ? freePort() : port;
    int controllerPort = freePort();
    Path logDir = dataDir.toAbsolutePath().resolve("kafka-logs");
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create broker data directory " + logDir, e);
    }
    KafkaConfig config =
        KafkaConfig.fromProps(brokerProperties(logDir, brokerPort, controllerPort), false);
    format(logDir);
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      server.shutdown();
      server.awaitShutdown();
      throw e;
    }
    String bootstrap = HOST + ":" + brokerPort;
    LOG.info(
        "Embedded Kafka broker at {} (data {}) started in {} ms",
        bootstrap,
        logDir,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return new EmbeddedKafkaBroker(server, bootstrap);
  }

  static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", String.valueOf(NODE_ID));
    props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    props.put(
        "listeners",
        BROKER_LISTENER
            + "://"
            + HOST
            + ":"
            + brokerPort
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + HOST
            + ":"
            + controllerPort);
    props.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
    props.put("controller.listener.names", CONTROLLER_LISTENER);
    props.put("inter.broker.listener.name", BROKER_LISTENER);
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("log.dirs", logDir.toString());
    props.put("auto.create.topics.enable", "false");
    props.put("num.partitions", "1");
    props.put("default.replication.factor", "1");
    props.put("min.insync.replicas", "1");
    // One node: every internal topic has a single replica.
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "5");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "5");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    // Flink's exactly-once sink asks for 1 h transactions; the broker default caps them at 15 min.
    props.put("transaction.max.timeout.ms", String.valueOf(Duration.ofHours(1).toMillis()));
    props.put("group.initial.rebalance.delay.ms", "0");
    // The cleaner's default 128 MiB dedupe buffer lives on the heap and sinks small test heaps.
    props.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
    props.put("log.cleaner.threads", "1");
    props.put("num.network.threads", "2");
    props.put("num.io.threads", "2");
    props.put("num.recovery.threads.per.data.dir", "1");
    return props;
  }

  private static void format(Path logDir) {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      // formatted by an earlier run: keep its cluster id, topics and records
      return;
    }
    PrintStream quiet =
        new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    try {
      new Formatter()
          .setPrintStream(quiet)
          .setClusterId(Uuid.randomUuid().toString())
          .setNodeId(NODE_ID)
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setMetadataLogDirectory(logDir.toString())
          .setDirectories(List.of(logDir.toString()))
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .run();
    } catch (Exception e) {
      throw new KafkaException("cannot format broker storage in " + logDir, e);
    }
  }

  /** A port that was free a moment ago on 127.0.0.1. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(HOST, 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + HOST, e);
    }
  }

  /** {@code 127.0.0.1:port}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Creates the topics with one replica each and waits until every partition has a leader that
   * takes requests. Topics that already exist are left as they are.
   */
  public void createTopics(Collection<String> names, int partitions) {
    if (names.isEmpty()) {
      return;
    }
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
    try (Admin admin = Admin.create(config)) {
      List<NewTopic> topics = new ArrayList<>();
      for (String name : Set.copyOf(names)) {
        topics.add(new NewTopic(name, partitions, (short) 1));
      }
      List<String> created = new ArrayList<>();
      for (Map.Entry<String, KafkaFuture<Void>> result :
          admin.createTopics(topics).values().entrySet()) {
        try {
          result.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          created.add(result.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new KafkaException("cannot create topic " + result.getKey(), e.getCause());
          }
        }
      }
      TopicLeaders.await(admin, names, ADMIN_TIMEOUT);
      if (!created.isEmpty()) {
        LOG.info("Created topics {} with {} partitions", created, partitions);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while creating topics " + names, e);
    } catch (TimeoutException e) {
      throw new KafkaException("timed out creating topics " + names, e);
    }
  }

  /** Stops the broker and waits until it is down. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    LOG.info("Embedded Kafka broker at {} stopped", bootstrapServers);
  }
}
