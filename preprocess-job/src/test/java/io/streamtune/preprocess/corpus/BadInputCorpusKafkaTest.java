package io.streamtune.preprocess.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.ingest.CsvDataset;
import io.streamtune.ingest.CsvRecordReader;
import io.streamtune.ingest.ImageFolderReader;
import io.streamtune.ingest.IngestOutcomes;
import io.streamtune.ingest.JsonlTextReader;
import io.streamtune.ingest.RawRecordProducer;
import io.streamtune.preprocess.PreprocessConfig;
import io.streamtune.preprocess.PreprocessJob;
import io.streamtune.preprocess.corpus.BadInputCorpus.Item;
import io.streamtune.preprocess.corpus.BadInputCorpus.Modality;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bad-input corpus ({@link BadInputCorpus}) through the ingest readers and the raw topic into
 * the preprocess job, for the tabular (credit), image (fashion-mnist) and text (spam) pipelines:
 * every bad input in the dead-letter topic exactly once with a reason and its stage, every good one
 * an example exactly once (plus its augmented copies), raw = originals + dead letters, no restart
 * (restarts are off: one failure would fail the job) and the ingest never fails.
 *
 * <p>Short by default (~1,000 bad + ~1,000 good on the raw topics, plus the ingest files); {@code
 * -Dcorpus.size=10000} runs the full corpus ({@code bench/bad_input_corpus.sh}).
 */
class BadInputCorpusKafkaTest {

  private static final Logger LOG = LoggerFactory.getLogger(BadInputCorpusKafkaTest.class);

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  /** Bad records on the raw topics, over the three modalities; as many good ones. */
  private static final int SIZE = Integer.getInteger("corpus.size", 1_000);

  private static final int FILE_GOOD = 20;
  private static final long SEED = Long.getLong("corpus.seed", 20_261_207L);

  /** The broker's default message.max.bytes: every dead letter must fit. */
  private static final int BROKER_MESSAGE_LIMIT = 1_048_588;

  /** How long nothing new may arrive before a read stops short of its count. */
  private static final Duration QUIET = Duration.ofSeconds(45);

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(120 + SIZE / 25);

  /** What one modality's run produced, for the summary line. */
  private record Summary(
      Modality modality, int records, int bad, int deadLettered, int examples, long millis) {}

  @Test
  @Timeout(value = 30, unit = TimeUnit.MINUTES)
  void everyBadInputIsDeadLetteredOnceEveryGoodOneProcessedAndTheJobNeverRestarts(@TempDir Path dir)
      throws Exception {
    byte[] bomb =
        Files.readAllBytes(
            Path.of("..", "common", "src", "test", "resources", "images")
                .resolve("bomb-40000x40000.png"));
    Serializer serializer = new Serializer(AvroSerdes.valueSerializer(KAFKA.schemaRegistryUrl()));
    BadInputCorpus corpus = new BadInputCorpus(SEED, serializer.delegate, bomb);
    BadInputCorpus.Files files = corpus.writeFiles(dir, FILE_GOOD);

    long start = System.nanoTime();
    List<Summary> summaries = new ArrayList<>();
    int third = SIZE / 3;
    summaries.add(run(corpus, Modality.TABULAR, "pipelines/credit.yaml", third, files, "tab."));
    summaries.add(
        run(corpus, Modality.IMAGE, "pipelines/fashion-mnist.yaml", third, files, "img."));
    summaries.add(
        run(corpus, Modality.TEXT, "pipelines/spam.yaml", SIZE - 2 * third, files, "txt."));
    long millis = (System.nanoTime() - start) / 1_000_000;
    int records = summaries.stream().mapToInt(Summary::records).sum();
    int bad = summaries.stream().mapToInt(Summary::bad).sum();
    int deadLettered = summaries.stream().mapToInt(Summary::deadLettered).sum();
    summaries.forEach(s -> LOG.info("corpus {}", s));
    LOG.info(
        "corpus summary: records={} bad={} deadLettered={} lost=0 duplicated=0 restarts=0 wall={}ms",
        records,
        bad,
        deadLettered,
        millis);
    System.out.printf(
        "CORPUS records=%d bad=%d deadLettered=%d good=%d lost=0 duplicated=0 restarts=0"
            + " wall=%.1fs%n",
        records, bad, deadLettered, records - bad, millis / 1000.0);
    assertThat(deadLettered).isEqualTo(bad);
  }

  private Summary run(
      BadInputCorpus corpus,
      Modality modality,
      String specFile,
      int bad,
      BadInputCorpus.Files files,
      String prefix)
      throws Exception {
    long start = System.nanoTime();
    PipelineSpec spec = PipelineSpecs.load(Path.of("..").resolve(specFile));
    Topics topics = new Topics(prefix);
    KAFKA.createTopics(topics.allNames().toArray(String[]::new));
    String rawTopic = topics.name(Topics.RAW);
    KafkaConnection kafka =
        new KafkaConnection(KAFKA.bootstrapServers(), KAFKA.schemaRegistryUrl(), topics);

    // 1. raw bytes and well-formed records with bad content, straight to raw
    List<Item> items = new ArrayList<>(corpus.raw(modality, rawTopic, bad, bad));
    try (KafkaProducer<String, byte[]> producer = byteProducer()) {
      for (Item item : items) {
        producer.send(new ProducerRecord<>(rawTopic, item.key(), item.value()));
      }
      producer.flush();
    }
    // 2. bad files through the ingest readers and RawRecordProducer (the ingest edge)
    List<Item> fileItems;
    RawRecordProducer.Counts counts;
    try (RawRecordProducer producer = new RawRecordProducer(kafka)) {
      switch (modality) {
        case TABULAR -> {
          fileItems = files.csvItems();
          try (CsvRecordReader reader =
              CsvDataset.withSpec(files.csv(), spec, "id").open(Clock.systemUTC())) {
            counts = producer.produce(IngestOutcomes.acceptAll(reader), 0, null);
          }
        }
        case TEXT -> {
          fileItems = files.jsonlItems();
          try (JsonlTextReader reader =
              new JsonlTextReader(
                  Files.newBufferedReader(files.jsonl()),
                  spec.text().field(),
                  spec.label().column(),
                  spec.text().idField(),
                  "spam-corpus",
                  Clock.systemUTC())) {
            counts = producer.produce(reader, 0, null);
          }
        }
        default -> {
          fileItems = files.imageItems();
          counts =
              producer.produce(
                  new ImageFolderReader(files.imageRoot(), "fmnist-corpus", Clock.systemUTC()),
                  0,
                  null);
        }
      }
    }
    long ingestRejected = fileItems.stream().filter(i -> "ingest".equals(i.stage())).count();
    // the ingest did not fail: what it could not produce it dead-lettered
    assertThat(counts.deadLettered()).as("%s: %s", modality, counts).isEqualTo(ingestRejected);
    assertThat(counts.produced()).isEqualTo(fileItems.size() - ingestRejected);
    items.addAll(fileItems);

    Map<String, Item> byKey = new HashMap<>();
    items.forEach(item -> assertThat(byKey.put(item.key(), item)).as(item.key()).isNull());
    Set<String> badKeys = new HashSet<>();
    Set<String> goodKeys = new HashSet<>();
    items.forEach(item -> (item.bad() ? badKeys : goodKeys).add(item.key()));

    PreprocessConfig config =
        PreprocessConfig.of(kafka, spec)
            .withConsumerGroup("corpus-" + prefix)
            .withCheckpointInterval(Duration.ofMillis(500))
            // no restarts: a single task failure fails the job, so RUNNING at the end = 0 restarts
            .withRestartAttempts(0);
    JobClient job =
        PreprocessJob.start(StreamExecutionEnvironment.createLocalEnvironment(), config);
    try {
      Deserializer<DeadLetter> deadLetterDeserializer =
          AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), DeadLetter.class);
      List<ConsumerRecord<String, DeadLetter>> deadLetters =
          readToEnd(
              job,
              topics.name(Topics.DEADLETTER),
              deadLetterDeserializer,
              read -> read.size() >= badKeys.size());
      Deserializer<Example> exampleDeserializer =
          AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), Example.class);
      // the originals may still be on their way: read both topics again until all are there
      List<ConsumerRecord<String, Example>> examples =
          readExamples(job, topics, exampleDeserializer, goodKeys.size());

      // dead letters: each bad key exactly once, with a reason and its stage; no good one
      Map<String, Integer> seen = new TreeMap<>();
      for (ConsumerRecord<String, DeadLetter> record : deadLetters) {
        DeadLetter deadLetter = record.value();
        seen.merge(record.key(), 1, Integer::sum);
        Item item = byKey.get(record.key());
        assertThat(item)
            .as("dead letter of an unknown key %s: %s", record.key(), deadLetter)
            .isNotNull();
        assertThat(item.bad())
            .as("good record %s dead-lettered: %s", record.key(), deadLetter.getReason())
            .isTrue();
        assertThat(deadLetter.getReason()).as(record.key()).isNotBlank();
        // readable: no raw control characters (a NUL or a terminal escape from the input)
        assertThat(deadLetter.getReason().chars().filter(Character::isISOControl).count())
            .as("control characters in the reason of %s: %s", record.key(), deadLetter.getReason())
            .isZero();
        assertThat(deadLetter.getStage())
            .as("%s (%s): %s", record.key(), item.kind(), deadLetter.getReason())
            .isEqualTo(item.stage());
        assertThat(record.serializedValueSize()).isLessThan(BROKER_MESSAGE_LIMIT);
        if (!item.stage().equals("ingest")) {
          assertThat(deadLetter.getTopic()).isEqualTo(rawTopic);
        }
      }
      Map<String, String> reasons = new TreeMap<>();
      deadLetters.forEach(
          r ->
              reasons.putIfAbsent(
                  byKey.get(r.key()).kind(), r.value().getStage() + ": " + r.value().getReason()));
      reasons.forEach(
          (kind, reason) ->
              System.out.printf(
                  "CORPUS %s %-28s x%d  %s%n",
                  modality,
                  kind,
                  items.stream().filter(i -> i.kind().equals(kind)).count(),
                  reason.length() > 160 ? reason.substring(0, 160) + "..." : reason));
      assertThat(seen.values()).as("dead letters written twice").allMatch(n -> n == 1);
      assertThat(seen.keySet()).as("bad records not dead-lettered").containsAll(badKeys);

      // examples: each good record once as an original, its copies named <id>#aug<k>
      Set<String> exampleIds = new HashSet<>();
      Map<String, Integer> copies = new HashMap<>();
      Map<String, Example> originals = new HashMap<>();
      for (ConsumerRecord<String, Example> record : examples) {
        Example example = record.value();
        assertThat(exampleIds.add(example.getId()))
            .as("example written twice: %s", example.getId())
            .isTrue();
        if (example.getAugmentedFrom() == null) {
          originals.put(example.getId(), example);
        } else {
          String source = example.getAugmentedFrom();
          assertThat(example.getId()).startsWith(source + "#aug");
          copies.merge(source, 1, Integer::sum);
        }
      }
      assertThat(originals.keySet()).as("good records not processed").isEqualTo(goodKeys);
      assertThat(copies.keySet()).isSubsetOf(goodKeys);
      if (modality != Modality.TABULAR) {
        originals.values().stream()
            .filter(e -> e.getSplit() == io.streamtune.schemas.avro.Split.TRAIN)
            .forEach(
                e ->
                    assertThat(copies.getOrDefault(e.getId(), 0))
                        .as("copies of %s", e.getId())
                        .isEqualTo(spec.augment().copiesFor(e.getLabel())));
      }

      // reconciliation: everything on raw is an original example or a dead letter
      long raw = endOffsetSum(rawTopic);
      long deadLetteredFromRaw =
          deadLetters.stream().filter(r -> !"ingest".equals(r.value().getStage())).count();
      assertThat(raw).isEqualTo(originals.size() + deadLetteredFromRaw);

      // no restart, no failure
      assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
      return new Summary(
          modality,
          items.size(),
          badKeys.size(),
          deadLetters.size(),
          examples.size(),
          (System.nanoTime() - start) / 1_000_000);
    } finally {
      cancelAndAwait(job);
    }
  }

  private List<ConsumerRecord<String, Example>> readExamples(
      JobClient job, Topics topics, Deserializer<Example> deserializer, int originals)
      throws Exception {
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    while (true) {
      List<ConsumerRecord<String, Example>> all = new ArrayList<>();
      all.addAll(readToEnd(job, topics.name(Topics.EXAMPLES_TRAIN), deserializer, r -> true));
      all.addAll(readToEnd(job, topics.name(Topics.EXAMPLES_HOLDOUT), deserializer, r -> true));
      long count = all.stream().filter(r -> r.value().getAugmentedFrom() == null).count();
      if (count >= originals || System.nanoTime() > deadline) {
        return all;
      }
      Thread.sleep(1_000);
    }
  }

  /**
   * Reads a topic with read_committed from the beginning until {@code done} holds, then on to the
   * end (the last stable offset of every partition).
   */
  private <T> List<ConsumerRecord<String, T>> readToEnd(
      JobClient job,
      String topic,
      Deserializer<T> deserializer,
      Predicate<List<ConsumerRecord<String, T>>> done)
      throws Exception {
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    List<ConsumerRecord<String, T>> records = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer = consumer(deserializer)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long lastArrival = System.nanoTime();
      while (true) {
        int before = records.size();
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        if (records.size() > before) {
          lastArrival = System.nanoTime();
        }
        // done, or nothing new for a while: the assertions then name what is missing
        // (only once something arrived: a slow job start is no quiet)
        boolean quiet = !records.isEmpty() && System.nanoTime() - lastArrival > QUIET.toNanos();
        if (done.test(records) || quiet) {
          Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
          boolean atEnd = partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
          if (atEnd) {
            return records;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "read "
                  + records.size()
                  + " records of "
                  + topic
                  + " within "
                  + READ_TIMEOUT
                  + "; job "
                  + job.getJobStatus().get(10, TimeUnit.SECONDS));
        }
      }
    }
  }

  private long endOffsetSum(String topic) {
    try (KafkaConsumer<String, byte[]> consumer = consumer(new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static <T> KafkaConsumer<String, T> consumer(Deserializer<T> deserializer) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "corpus-reader-" + UUID.randomUUID());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
    return new KafkaConsumer<>(config, new StringDeserializer(), deserializer);
  }

  private static KafkaProducer<String, byte[]> byteProducer() {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  private static void cancelAndAwait(JobClient job) throws Exception {
    job.cancel().get(30, TimeUnit.SECONDS);
    try {
      job.getJobExecutionResult().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException cancelled) {
      // expected: a cancelled job ends with an exception
    }
  }

  /** The project's serializer, typed for any SpecificRecord. */
  private static final class Serializer {
    final org.apache.kafka.common.serialization.Serializer<SpecificRecord> delegate;

    Serializer(org.apache.kafka.common.serialization.Serializer<SpecificRecord> delegate) {
      this.delegate = delegate;
    }
  }
}
