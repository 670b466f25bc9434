package io.streamtune.ingest;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What {@code streamtune ingest} has already produced of one input to one topic of one Kafka
 * cluster, so that a re-run of the same input skips what was sent and an interrupted run resumes.
 *
 * <p>Why a ledger at the edge rather than content-derived ids and a de-duplicating keyed operator
 * in the job: readers are deterministic (the same bytes read with the same options yield the same
 * items in the same order), so "item {@code i} of this input was acknowledged" is exact and costs
 * one small file; de-duplicating downstream would need keyed state over every id ever seen in the
 * benchmarked Flink job, and content hashes would merge genuinely repeated rows.
 *
 * <p>The key is (Kafka cluster id, raw topic, input fingerprint): a fresh cluster (each {@code
 * demo}) is a fresh ledger, a changed file or changed reading options a new input. The file holds
 * the length of the acknowledged prefix of items and the acknowledged items beyond it (the producer
 * acknowledges in order per partition only, so after a failure some later items may be in). An item
 * counts as done when its record, or its dead letter, was acknowledged. It is written atomically
 * (temporary file, then rename) before a run sends, at its end, on a failure, and about once a
 * second during one.
 *
 * <p>A hard kill (SIGKILL, power loss) between two writes leaves records on the topics that the
 * file does not list. So every record a run sends carries a header {@value #HEADER} naming this
 * ledger and the item's index, and the file keeps, per partition of the topics written, the offset
 * below which every such record is in the file ({@code scan-from}: the end offsets when the run
 * started, advanced to past each acknowledged record while no send has failed; a failed send can
 * still have been written, so the offsets stop there). {@link #recover} reads each partition from
 * there to its end and marks the items found there done before the next run sends anything.
 *
 * <p>A ledger file that cannot be read is an error naming it (delete it, or {@code --force}):
 * starting over silently would duplicate everything it recorded.
 */
public final class IngestLedger {

  private static final String FORMAT = "streamtune-ingest-ledger-1";

  /** The record header naming the ledger (its key) and the item's index: {@code key:index}. */
  public static final String HEADER = "streamtune-ingest-item";

  private static final String SCAN_FROM = "scan-from";

  private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(60);

  private final Path file;
  private final String cluster;
  private final String topic;
  private final String input;
  private long prefix;
  private final TreeSet<Long> beyond = new TreeSet<>();
  private long skipBelow;
  private TreeSet<Long> skip;

  /** Per partition: below this offset every record of this ledger is in the file. */
  private final Map<TopicPartition, Long> scanFrom = new HashMap<>();

  /** Per partition: past the last record this run got acknowledged. */
  private final Map<TopicPartition, Long> acknowledgedUpTo = new HashMap<>();

  private boolean sendFailed;

  private IngestLedger(Path file, String cluster, String topic, String input) {
    this(file, cluster, topic, input, 0, new TreeSet<>());
  }

  private IngestLedger(
      Path file, String cluster, String topic, String input, long prefix, TreeSet<Long> beyond) {
    this.file = file;
    this.cluster = cluster;
    this.topic = topic;
    this.input = input;
    this.prefix = prefix;
    this.beyond.addAll(beyond);
    this.skipBelow = prefix;
    this.skip = new TreeSet<>(beyond);
  }

  /**
   * The ledger for {@code input} to {@code topic} of the cluster at {@code clientProperties}.
   *
   * @param force start from nothing (send everything again); the old file is overwritten
   * @throws IngestException for a ledger file that cannot be read
   */
  public static IngestLedger open(
      Path dir, Properties clientProperties, String topic, String input, boolean force) {
    return open(dir, clusterId(clientProperties), topic, input, force);
  }

  /** As {@link #open(Path, Properties, String, String, boolean)} with a known cluster id. */
  public static IngestLedger open(
      Path dir, String cluster, String topic, String input, boolean force) {
    Path file =
        dir.resolve(topic + "-" + sha256(cluster + "\n" + topic + "\n" + input) + ".ledger");
    if (force || !Files.exists(file)) {
      return new IngestLedger(file, cluster, topic, input);
    }
    return read(file, cluster, topic, input);
  }

  /**
   * The default directory: {@code $STREAMTUNE_INGEST_LEDGER} or {@code
   * ~/.streamtune/ingest-ledger}.
   */
  public static Path defaultDir() {
    String env = System.getenv("STREAMTUNE_INGEST_LEDGER");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".streamtune", "ingest-ledger");
  }

  public Path file() {
    return file;
  }

  /** Whether item {@code index} was acknowledged by an earlier run (as read when opened). */
  public boolean alreadyProduced(long index) {
    return index < skipBelow || skip.contains(index);
  }

  /** How many items earlier runs recorded as acknowledged. */
  public long recorded() {
    return skipBelow + skip.size();
  }

  /** What a record of item {@code index} carries in its {@value #HEADER} header. */
  public byte[] header(long index) {
    return (key() + ":" + index).getBytes(StandardCharsets.UTF_8);
  }

  private String key() {
    String name = file.getFileName().toString();
    return name.substring(name.lastIndexOf('-') + 1, name.length() - ".ledger".length());
  }

  /**
   * Marks item {@code index} acknowledged at {@code offset} of {@code partition} (any thread; the
   * producer acknowledges in offset order per partition).
   */
  public synchronized void acknowledged(long index, TopicPartition partition, long offset) {
    acknowledged(index);
    acknowledgedUpTo.merge(partition, offset + 1, Math::max);
  }

  /**
   * A send failed: its record may be on the topic all the same, so the offsets to recover from no
   * longer advance in this run.
   */
  public synchronized void sendFailed() {
    sendFailed = true;
  }

  /**
   * Before a run sends: finds the records of this ledger that an earlier run got onto {@code
   * topics} after its last write of the file (it was killed), marks their items done, and writes
   * the file with the topics' end offsets to recover from next time.
   *
   * @return how many items were found
   */
  public long recover(Properties clientProperties, List<String> topics) {
    Properties config = new Properties();
    config.putAll(clientProperties);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamtune-ingest-ledger");
    long found = 0;
    byte[] mine = (key() + ":").getBytes(StandardCharsets.UTF_8);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String name : topics) {
        for (PartitionInfo info : consumer.partitionsFor(name, RECOVERY_TIMEOUT)) {
          partitions.add(new TopicPartition(name, info.partition()));
        }
      }
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, RECOVERY_TIMEOUT);
      Map<TopicPartition, Long> from = new HashMap<>();
      synchronized (this) {
        scanFrom.forEach(
            (partition, offset) -> {
              if (ends.getOrDefault(partition, 0L) > offset) {
                from.put(partition, offset);
              }
            });
      }
      consumer.assign(from.keySet());
      from.forEach(consumer::seek);
      long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
      while (from.keySet().stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IngestException(
              "cannot read " + from.keySet() + " to recover the ingest ledger " + file);
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          Header header = record.headers().lastHeader(HEADER);
          if (header != null && startsWith(header.value(), mine)) {
            byte[] value = header.value();
            acknowledged(
                Long.parseLong(
                    new String(
                        value, mine.length, value.length - mine.length, StandardCharsets.UTF_8)));
            found++;
          }
        }
      }
      synchronized (this) {
        scanFrom.clear();
        scanFrom.putAll(ends);
        acknowledgedUpTo.clear();
        skip = new TreeSet<>(beyond);
        skipBelow = prefix;
      }
    }
    save();
    return found;
  }

  private static boolean startsWith(byte[] value, byte[] prefix) {
    return value.length > prefix.length
        && java.util.Arrays.equals(value, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** Marks item {@code index} acknowledged (any thread). */
  public synchronized void acknowledged(long index) {
    if (index < prefix) {
      return;
    }
    beyond.add(index);
    while (!beyond.isEmpty() && beyond.first() == prefix) {
      beyond.pollFirst();
      prefix++;
    }
  }

  /** How many items are acknowledged now (earlier runs and this one). */
  public synchronized long acknowledgedCount() {
    return prefix + beyond.size();
  }

  /** Writes the ledger file atomically. */
  public void save() {
    Properties props = new Properties();
    synchronized (this) {
      props.setProperty("format", FORMAT);
      props.setProperty("cluster", cluster);
      props.setProperty("topic", topic);
      props.setProperty("input", input);
      props.setProperty("prefix", Long.toString(prefix));
      props.setProperty("beyond", ranges(beyond));
      Map<TopicPartition, Long> offsets =
          new TreeMap<>(java.util.Comparator.comparing(Object::toString));
      offsets.putAll(scanFrom);
      if (!sendFailed) {
        acknowledgedUpTo.forEach(
            (partition, offset) -> offsets.merge(partition, offset, Math::max));
      }
      props.setProperty(SCAN_FROM, offsets(offsets));
    }
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        props.store(out, "what streamtune ingest has produced of one input (do not edit)");
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write ingest ledger " + file + ": " + e, e);
    }
  }

  private static IngestLedger read(Path file, String cluster, String topic, String input) {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw corrupt(file, "cannot read it: " + e.getMessage());
    }
    if (!FORMAT.equals(props.getProperty("format"))) {
      throw corrupt(file, "format is " + props.getProperty("format") + ", not " + FORMAT);
    }
    for (String[] expected :
        new String[][] {{"cluster", cluster}, {"topic", topic}, {"input", input}}) {
      if (!expected[1].equals(props.getProperty(expected[0]))) {
        throw corrupt(
            file,
            expected[0] + " is " + props.getProperty(expected[0]) + ", expected " + expected[1]);
      }
    }
    try {
      long prefix = Long.parseLong(props.getProperty("prefix", ""));
      if (prefix < 0) {
        throw new NumberFormatException("negative prefix " + prefix);
      }
      TreeSet<Long> beyond = parseRanges(props.getProperty("beyond", ""));
      if (!beyond.isEmpty() && beyond.first() <= prefix) {
        throw new NumberFormatException("items beyond the prefix start at " + beyond.first());
      }
      IngestLedger ledger = new IngestLedger(file, cluster, topic, input, prefix, beyond);
      ledger.scanFrom.putAll(parseOffsets(props.getProperty(SCAN_FROM, "")));
      return ledger;
    } catch (NumberFormatException e) {
      throw corrupt(file, e.getMessage());
    }
  }

  private static IngestException corrupt(Path file, String why) {
    return new IngestException(
        "ingest ledger "
            + file
            + " is corrupt ("
            + why
            + "): delete it, or run with --force to send the input again");
  }

  private static String ranges(TreeSet<Long> indices) {
    List<String> out = new ArrayList<>();
    Long start = null;
    long end = -2;
    for (long i : indices) {
      if (start != null && i == end + 1) {
        end = i;
        continue;
      }
      if (start != null) {
        out.add(start == end ? Long.toString(start) : start + "-" + end);
      }
      start = i;
      end = i;
    }
    if (start != null) {
      out.add(start == end ? Long.toString(start) : start + "-" + end);
    }
    return String.join(",", out);
  }

  /** {@code topic:partition=offset,...} (a topic name has no ':', '=' or ','). */
  private static String offsets(Map<TopicPartition, Long> offsets) {
    List<String> out = new ArrayList<>();
    offsets.forEach((p, offset) -> out.add(p.topic() + ":" + p.partition() + "=" + offset));
    return String.join(",", out);
  }

  private static Map<TopicPartition, Long> parseOffsets(String text) {
    Map<TopicPartition, Long> out = new HashMap<>();
    if (text.isBlank()) {
      return out;
    }
    for (String entry : text.split(",")) {
      int colon = entry.lastIndexOf(':');
      int equals = entry.lastIndexOf('=');
      if (colon < 1 || equals < colon) {
        throw new NumberFormatException("bad offset " + entry);
      }
      long offset = Long.parseLong(entry.substring(equals + 1));
      if (offset < 0) {
        throw new NumberFormatException("negative offset " + entry);
      }
      out.put(
          new TopicPartition(
              entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1, equals))),
          offset);
    }
    return out;
  }

  private static TreeSet<Long> parseRanges(String text) {
    TreeSet<Long> out = new TreeSet<>();
    if (text.isBlank()) {
      return out;
    }
    for (String range : text.split(",")) {
      int dash = range.indexOf('-', 1);
      long from = Long.parseLong(dash < 0 ? range : range.substring(0, dash));
      long to = dash < 0 ? from : Long.parseLong(range.substring(dash + 1));
      if (from < 0 || to < from) {
        throw new NumberFormatException("bad range " + range);
      }
      for (long i = from; i <= to; i++) {
        out.add(i);
      }
    }
    return out;
  }

  private static String clusterId(Properties clientProperties) {
    try (Admin admin = Admin.create(clientProperties)) {
      return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IngestException("cannot read the Kafka cluster id for the ingest ledger: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IngestException("interrupted while reading the Kafka cluster id");
    }
  }

  static String sha256(String text) {
    return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The fingerprint of an input: SHA-256 over {@code options} (how it is read) and the bytes of
   * each path; a directory is its sorted relative file names with each file's bytes.
   */
  public static String fingerprint(List<String> options, List<Path> paths) {
    MessageDigest all = digest();
    for (String option : options) {
      all.update((option + "\n").getBytes(StandardCharsets.UTF_8));
    }
    for (Path path : paths) {
      try {
        if (Files.isDirectory(path)) {
          List<Path> files;
          try (var walk = Files.walk(path)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
          }
          all.update(("dir\n").getBytes(StandardCharsets.UTF_8));
          for (Path f : files) {
            all.update((path.relativize(f) + "\n").getBytes(StandardCharsets.UTF_8));
            all.update((fileHash(f) + "\n").getBytes(StandardCharsets.UTF_8));
          }
        } else {
          all.update(("file\n" + fileHash(path) + "\n").getBytes(StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
      }
    }
    return HexFormat.of().formatHex(all.digest());
  }

  private static String fileHash(Path file) throws IOException {
    MessageDigest d = digest();
    byte[] buffer = new byte[1 << 16];
    try (var in = Files.newInputStream(file)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        d.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
