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
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
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
 * replica. Topics are never auto-created: create them with {@link #createTopics}. Optionally (see
 * {@link #start(Path, int, ScramUser)}) a second client listener takes only SASL/SCRAM-SHA-256
 * ({@code SASL_PLAINTEXT}) logins of one user; the plaintext listener stays for inter-broker
 * traffic and administration.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final String BROKER_LISTENER = "PLAINTEXT";
  private static final String SASL_LISTENER = "SASL_PLAINTEXT";

  /** The SASL mechanism of the SASL listener. */
  public static final String SCRAM_MECHANISM = "SCRAM-SHA-256";

  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final String saslBootstrapServers;
  private boolean closed;

  private EmbeddedKafkaBroker(
      KafkaRaftServer server, String bootstrapServers, String saslBootstrapServers) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.saslBootstrapServers = saslBootstrapServers;
  }

  /** A user that may log in on the SASL listener with SCRAM-SHA-256. */
  public record ScramUser(String name, String password) {

    /** The client's {@code sasl.jaas.config} for this user. */
    public String jaasConfig() {
      return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
          + name
          + "\" password=\""
          + password
          + "\";";
    }
  }

  /**
   * Formats {@code dataDir} (unless it already holds a formatted log) and starts the broker.
   *
   * @param port the client port, or 0 for a free one
   */
  public static EmbeddedKafkaBroker start(Path dataDir, int port) {
    return start(dataDir, port, null);
  }

  /**
   * As {@link #start(Path, int)}, with a {@code SASL_PLAINTEXT} listener on a free loopback port
   * that takes SCRAM-SHA-256 logins of {@code user} (created before this returns); see {@link
   * #saslBootstrapServers()}.
   *
   * @param user the SCRAM user, or {@code null} for no SASL listener
   */
  public static EmbeddedKafkaBroker start(Path dataDir, int port, ScramUser user) {
    long started = System.nanoTime();
    int brokerPort = port == 0 ? freePort() : port;
    int controllerPort = freePort();
    int saslPort = user == null ? 0 : freePort();
    Path logDir = dataDir.toAbsolutePath().resolve("kafka-logs");
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create broker data directory " + logDir, e);
    }
    KafkaConfig config =
        KafkaConfig.fromProps(
            brokerProperties(logDir, brokerPort, controllerPort, saslPort), false);
    format(logDir, Uuid.randomUuid().toString(), NODE_ID);
    KafkaRaftServer server = startServer(config);
    String bootstrap = HOST + ":" + brokerPort;
    EmbeddedKafkaBroker broker =
        new EmbeddedKafkaBroker(server, bootstrap, user == null ? null : HOST + ":" + saslPort);
    if (user != null) {
      try {
        broker.createScramUser(user);
      } catch (RuntimeException e) {
        broker.close();
        throw e;
      }
    }
    LOG.info(
        "Embedded Kafka broker at {}{} (data {}) started in {} ms",
        bootstrap,
        user == null ? "" : ", SASL/SCRAM at " + broker.saslBootstrapServers,
        logDir,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return broker;
  }

  private static KafkaRaftServer startServer(KafkaConfig config) {
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      server.shutdown();
      server.awaitShutdown();
      throw e;
    }
    return server;
  }

  /**
   * One node of a KRaft cluster of {@code brokerPorts.size()} combined broker+controller nodes on
   * 127.0.0.1 (a static quorum of all of them), each normally its own JVM: the chaos suite kills
   * and restarts them. Internal topics and topics created with the broker's default get {@code
   * min(3, nodes)} replicas and {@code min.insync.replicas} one less (at least 1). A dead node is
   * fenced after 3 s (not 9), so partitions it led move at once.
   *
   * @param clusterId the same for every node (formatting only: a formatted {@code dataDir} keeps
   *     its own)
   * @param nodeId 1-based, the index into the port lists plus one
   */
  public static EmbeddedKafkaBroker startClusterNode(
      Path dataDir,
      String clusterId,
      int nodeId,
      List<Integer> brokerPorts,
      List<Integer> controllerPorts) {
    long started = System.nanoTime();
    Path logDir = dataDir.toAbsolutePath().resolve("kafka-logs");
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create broker data directory " + logDir, e);
    }
    Properties props = clusterNodeProperties(logDir, nodeId, brokerPorts, controllerPorts);
    KafkaConfig config = KafkaConfig.fromProps(props, false);
    format(logDir, clusterId, nodeId);
    KafkaRaftServer server = startServer(config);
    String bootstrap = HOST + ":" + brokerPorts.get(nodeId - 1);
    LOG.info(
        "Kafka cluster node {} at {} (data {}) started in {} ms",
        nodeId,
        bootstrap,
        logDir,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return new EmbeddedKafkaBroker(server, bootstrap, null);
  }

  static Properties clusterNodeProperties(
      Path logDir, int nodeId, List<Integer> brokerPorts, List<Integer> controllerPorts) {
    if (brokerPorts.size() != controllerPorts.size() || nodeId < 1 || nodeId > brokerPorts.size()) {
      throw new IllegalArgumentException(
          "node " + nodeId + " of " + brokerPorts + " / " + controllerPorts);
    }
    Properties props =
        brokerProperties(logDir, brokerPorts.get(nodeId - 1), controllerPorts.get(nodeId - 1));
    props.put("node.id", String.valueOf(nodeId));
    List<String> voters = new ArrayList<>();
    for (int i = 0; i < controllerPorts.size(); i++) {
      voters.add((i + 1) + "@" + HOST + ":" + controllerPorts.get(i));
    }
    props.put("controller.quorum.voters", String.join(",", voters));
    String replicas = String.valueOf(Math.min(3, brokerPorts.size()));
    String minInSync = String.valueOf(Math.max(1, Math.min(3, brokerPorts.size()) - 1));
    props.put("default.replication.factor", replicas);
    props.put("min.insync.replicas", minInSync);
    props.put("offsets.topic.replication.factor", replicas);
    props.put("transaction.state.log.replication.factor", replicas);
    props.put("transaction.state.log.min.isr", minInSync);
    props.put("share.coordinator.state.topic.replication.factor", replicas);
    props.put("share.coordinator.state.topic.min.isr", minInSync);
    // a kill -9'd node holds its partitions' leadership and ISR places until it is fenced
    props.put("broker.session.timeout.ms", "3000");
    props.put("broker.heartbeat.interval.ms", "500");
    props.put("replica.lag.time.max.ms", "5000");
    // a restarted node rejoins with an unclean log: recover it with what this node has
    props.put("num.recovery.threads.per.data.dir", "2");
    return props;
  }

  static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
    return brokerProperties(logDir, brokerPort, controllerPort, 0);
  }

  /**
   * @param saslPort the port of a SASL_PLAINTEXT (SCRAM-SHA-256) listener, 0 for none
   */
  static Properties brokerProperties(
      Path logDir, int brokerPort, int controllerPort, int saslPort) {
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
    if (saslPort != 0) {
      String sasl = SASL_LISTENER + "://" + HOST + ":" + saslPort;
      props.put("listeners", props.getProperty("listeners") + "," + sasl);
      props.put("advertised.listeners", props.getProperty("advertised.listeners") + "," + sasl);
      props.put(
          "listener.security.protocol.map",
          props.getProperty("listener.security.protocol.map")
              + ","
              + SASL_LISTENER
              + ":"
              + SASL_LISTENER);
      String prefix = "listener.name." + SASL_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
      props.put(prefix + "sasl.enabled.mechanisms", SCRAM_MECHANISM);
      props.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
      // the broker side of SCRAM needs a login module entry, not credentials
      props.put(
          prefix + SCRAM_MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    }
    return props;
  }

  /**
   * Creates (or updates) the SCRAM-SHA-256 credentials of {@code user} through the plaintext
   * listener (in KRaft they are metadata records) and waits until the broker knows them.
   */
  private void createScramUser(ScramUser user) {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
    try (Admin admin = Admin.create(config)) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user.name(),
                      new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096),
                      user.password())))
          .all()
          .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
      while (!admin
          .describeUserScramCredentials()
          .users()
          .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .contains(user.name())) {
        if (System.nanoTime() > deadline) {
          throw new KafkaException("SCRAM user " + user.name() + " did not appear");
        }
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while creating SCRAM user " + user.name(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaException("cannot create SCRAM user " + user.name(), e);
    }
  }

  private static void format(Path logDir, String clusterId, int nodeId) {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      // formatted by an earlier run: keep its cluster id, topics and records
      return;
    }
    PrintStream quiet =
        new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    try {
      new Formatter()
          .setPrintStream(quiet)
          .setClusterId(clusterId)
          .setNodeId(nodeId)
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
   * {@code 127.0.0.1:port} of the SASL_PLAINTEXT (SCRAM-SHA-256) listener.
   *
   * @throws IllegalStateException when the broker was started without one
   */
  public String saslBootstrapServers() {
    if (saslBootstrapServers == null) {
      throw new IllegalStateException("this broker has no SASL listener");
    }
    return saslBootstrapServers;
  }

  /**
   * Creates the topics with one replica each and waits until every partition has a leader that
   * takes requests. Topics that already exist are left as they are.
   */
  public void createTopics(Collection<String> names, int partitions) {
    createTopics(names, partitions, name -> Map.of());
  }

  /**
   * As {@link #createTopics(Collection, int)}, each topic with the configs {@code configs} gives
   * for its name (e.g. {@code Topics::configsOf}: compaction, message size).
   */
  public void createTopics(
      Collection<String> names,
      int partitions,
      java.util.function.Function<String, Map<String, String>> configs) {
    if (names.isEmpty()) {
      return;
    }
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
    try (Admin admin = Admin.create(config)) {
      List<NewTopic> topics = new ArrayList<>();
      for (String name : Set.copyOf(names)) {
        topics.add(new NewTopic(name, partitions, (short) 1).configs(configs.apply(name)));
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
