package io.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.preprocess.PreprocessBatch;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.Prediction;
import io.streamtune.schemas.avro.PredictionRole;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.RetrainCause;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.avro.TabularPayload;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service against a real broker and registry: requests keep coming while v1, then v2 are
 * promoted; every request is answered exactly once (read_committed), the champion changes once and
 * never back, the previous champion shadows the requests after the swap, and a service stopped
 * mid-stream and replaced still answers every request exactly once.
 */
class ServeHotSwapKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final int SHADOW = 40;

  @TempDir Path storeRoot;

  private record Stored(ModelVersion v1, ModelVersion v2) {}

  private Stored storeTwoVersions() {
    PreprocessBatch.TabularResult batch =
        PreprocessBatch.tabular(
            ServeFixtures.spec(),
            ServeFixtures.records(300, 1, "train").iterator(),
            PreprocessBatch.FitOn.TRAIN);
    int features = batch.transform().featureNames().size();
    return new Stored(
        ServeFixtures.storeMlp(storeRoot, 1, 11, batch.transform(), features),
        ServeFixtures.storeMlp(storeRoot, 2, 22, batch.transform(), features));
  }

  private KafkaProducer<byte[], byte[]> requestProducer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private KafkaProducer<String, SpecificRecord> avroProducer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(
        props, new StringSerializer(), AvroSerdes.valueSerializer(KAFKA.schemaRegistryUrl()));
  }

  private ServeConfig config(Topics topics, String group) {
    return ServeConfig.of(
            new KafkaConnection(KAFKA.bootstrapServers(), KAFKA.schemaRegistryUrl(), topics),
            ServeFixtures.spec(),
            storeRoot)
        .withConsumerGroup(group)
        .withShadowRequests(SHADOW)
        .withMaxPollRecords(25)
        .withHttpPort(-1);
  }

  private static Thread start(ServeService service, String name) throws InterruptedException {
    Thread thread = new Thread(service, name);
    thread.start();
    assertThat(service.awaitReady(Duration.ofSeconds(60))).isTrue();
    return thread;
  }

  /** Requests r0..r{n-1} of the fixtures' distribution, unlabeled, as Avro bytes. */
  private List<RawRecord> requests(String prefix, int n) {
    List<RawRecord> out = new ArrayList<>();
    for (RawRecord record : ServeFixtures.records(n, 9, prefix)) {
      out.add(ServeFixtures.unlabeled(record));
    }
    return out;
  }

  @Test
  @Timeout(180)
  void everyRequestIsAnsweredOnceWhileV1ThenV2ArePromoted() throws Exception {
    Topics topics = KAFKA.topics();
    Stored stored = storeTwoVersions();
    ServeService service = new ServeService(config(topics, "serve-hot-swap"));
    Thread thread = start(service, "serve-under-test");
    List<RawRecord> requests = requests("q", 420);
    Set<String> badIds = Set.of("bad-bytes", "bad-type");
    Serializer<SpecificRecord> serializer = AvroSerdes.valueSerializer(KAFKA.schemaRegistryUrl());
    try (KafkaProducer<byte[], byte[]> producer = requestProducer();
        KafkaProducer<String, SpecificRecord> promoter = avroProducer()) {
      for (int i = 0; i < requests.size(); i++) {
        RawRecord request = requests.get(i);
        send(producer, topics, request.getId(), serializer.serialize("x", request));
        if (i == 30) {
          // some requests are answered before any champion exists
          producer.flush();
          await().atMost(Duration.ofSeconds(30)).until(() -> service.requests() > 0);
          promoter.send(
              new ProducerRecord<>(
                  topics.name(Topics.MODELS_PROMOTED), ServeFixtures.MODEL_ID, stored.v1()));
          promoter.flush();
          await().atMost(Duration.ofSeconds(30)).until(() -> service.swaps() == 1);
        }
        if (i == 150) {
          send(producer, topics, "bad-bytes", "not avro".getBytes(StandardCharsets.UTF_8));
          send(
              producer,
              topics,
              "bad-type",
              serializer.serialize(
                  "x",
                  ServeFixtures.tabular(
                      "bad-type", null, new HashMap<>(Map.of("Income", "lots", "Age", 3.0)))));
        }
        if (i == 220) {
          promoter.send(
              new ProducerRecord<>(
                  topics.name(Topics.MODELS_PROMOTED), ServeFixtures.MODEL_ID, stored.v2()));
          promoter.flush();
        }
        if (i % 10 == 0) {
          producer.flush();
          Thread.sleep(5);
        }
      }
    }
    int total = requests.size() + badIds.size();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> service.requests() == total);
    } finally {
      service.close();
      thread.join(Duration.ofSeconds(30).toMillis());
    }
    assertThat(thread.isAlive()).isFalse();
    assertThat(service.failure()).isEmpty();
    assertThat(service.swaps()).isEqualTo(2);
    assertThat(service.championVersion()).isEmpty(); // closed

    List<ConsumerRecord<String, Prediction>> predictions = read(topics, total);
    List<ConsumerRecord<String, DeadLetter>> letters =
        TopicReader.readAll(
            KAFKA.bootstrapServers(),
            topics.name(Topics.DEADLETTER),
            AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), DeadLetter.class),
            Duration.ofSeconds(2));

    List<Prediction> champion =
        predictions.stream()
            .map(ConsumerRecord::value)
            .filter(p -> p.getRole() == PredictionRole.CHAMPION)
            .toList();
    List<Prediction> shadow =
        predictions.stream()
            .map(ConsumerRecord::value)
            .filter(p -> p.getRole() == PredictionRole.SHADOW)
            .toList();
    Map<String, Long> answers = new HashMap<>();
    champion.forEach(p -> answers.merge(p.getRecordId(), 1L, Long::sum));
    letters.forEach(l -> answers.merge(String.valueOf(l.value().getRecordId()), 1L, Long::sum));
    assertThat(champion.size() + letters.size()).isEqualTo(total);
    assertThat(answers.values()).as("each request answered once").containsOnly(1L);
    Set<String> expectedIds = new HashSet<>(badIds);
    requests.forEach(r -> expectedIds.add(r.getId()));
    // the undecodable request has no record id: its dead letter is matched by its key
    answers.remove("null");
    assertThat(answers.keySet()).hasSize(total - 1).isSubsetOf(expectedIds);

    // per requests partition, in offset order: no champion, then v1, then v2, never back
    Map<String, TreeMap<Long, Integer>> versionsByPartition = new HashMap<>();
    for (Prediction p : champion) {
      String[] source = p.getSource().split("@");
      versionsByPartition
          .computeIfAbsent(source[0], k -> new TreeMap<>())
          .put(Long.parseLong(source[1]), p.getVersion());
      assertThat(p.getLabels()).isEqualTo(ServeFixtures.LABELS);
      assertThat(p.getProbabilities().get(0) + p.getProbabilities().get(1))
          .isCloseTo(1f, org.assertj.core.api.Assertions.within(1e-5f));
      assertThat(p.getPredictedLabel()).isIn(ServeFixtures.LABELS);
      assertThat(p.getTransformVersion()).isPositive();
      assertThat(p.getLatencyMicros()).isPositive();
      assertThat(p.getServedAt()).isAfterOrEqualTo(p.getRequestTime());
    }
    for (TreeMap<Long, Integer> versions : versionsByPartition.values()) {
      List<Integer> sequence = new ArrayList<>(versions.values());
      for (int i = 1; i < sequence.size(); i++) {
        assertThat(sequence.get(i)).isGreaterThanOrEqualTo(sequence.get(i - 1));
      }
    }
    assertThat(champion.stream().map(Prediction::getVersion).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(1, 2);

    // the previous champion shadowed exactly the next SHADOW requests, all answered by v2
    assertThat(shadow).hasSize(SHADOW);
    assertThat(shadow).allSatisfy(p -> assertThat(p.getVersion()).isEqualTo(1));
    Map<String, Integer> championVersionById = new HashMap<>();
    champion.forEach(p -> championVersionById.put(p.getRecordId(), p.getVersion()));
    assertThat(shadow)
        .allSatisfy(p -> assertThat(championVersionById.get(p.getRecordId())).isEqualTo(2));
    assertThat(service.shadowPredictions()).isEqualTo(SHADOW);

    // dead letters: the requests before any champion, and the two bad ones, with their reasons
    List<DeadLetter> noChampion =
        letters.stream()
            .map(ConsumerRecord::value)
            .filter(l -> l.getStage().equals("serve"))
            .toList();
    assertThat(noChampion).hasSizeGreaterThanOrEqualTo(1);
    assertThat(noChampion)
        .allSatisfy(
            l ->
                assertThat(l.getReason())
                    .isEqualTo("no champion for model " + ServeFixtures.MODEL_ID + " yet"));
    assertThat(noChampion.size() + champion.size() + 2).isEqualTo(total);
    DeadLetter badBytes =
        letters.stream()
            .map(ConsumerRecord::value)
            .filter(l -> l.getStage().equals("deserialize"))
            .findFirst()
            .orElseThrow();
    assertThat(badBytes.getReason()).contains("not a Confluent-Avro RawRecord");
    assertThat(badBytes.getTopic()).isEqualTo(topics.name(Topics.REQUESTS));
    DeadLetter badType =
        letters.stream()
            .map(ConsumerRecord::value)
            .filter(l -> "bad-type".equals(l.getRecordId()))
            .findFirst()
            .orElseThrow();
    assertThat(badType.getStage()).isEqualTo("validate");
    assertThat(badType.getReason()).contains("column 'Income'");
    assertThat(service.deadLetters()).isEqualTo(letters.size());
  }

  @Test
  @Timeout(180)
  void aServiceStoppedMidStreamAndReplacedStillAnswersEveryRequestOnce() throws Exception {
    Topics topics = new Topics("restart.");
    KAFKA.createTopics(topics.allNames().toArray(String[]::new));
    Stored stored = storeTwoVersions();
    try (KafkaProducer<String, SpecificRecord> promoter = avroProducer()) {
      promoter.send(
          new ProducerRecord<>(
              topics.name(Topics.MODELS_PROMOTED), ServeFixtures.MODEL_ID, stored.v1()));
      promoter.send(
          new ProducerRecord<>(
              topics.name(Topics.MODELS_PROMOTED), ServeFixtures.MODEL_ID, stored.v2()));
      // a rollback: v1 promoted again is the champion, though v2 is newer
      promoter.send(
          new ProducerRecord<>(
              topics.name(Topics.MODELS_PROMOTED), ServeFixtures.MODEL_ID, stored.v1()));
    }
    List<RawRecord> requests = requests("s", 600);
    Serializer<SpecificRecord> serializer = AvroSerdes.valueSerializer(KAFKA.schemaRegistryUrl());
    ServeService first = new ServeService(config(topics, "serve-restart"));
    Thread firstThread = start(first, "serve-first");
    assertThat(first.championVersion()).contains(1);
    try (KafkaProducer<byte[], byte[]> producer = requestProducer()) {
      for (int i = 0; i < requests.size(); i++) {
        RawRecord request = requests.get(i);
        send(producer, topics, request.getId(), serializer.serialize("x", request));
        if (i % 10 == 0) {
          producer.flush();
          Thread.sleep(3);
        }
        if (i == 250) {
          producer.flush();
          await().atMost(Duration.ofSeconds(30)).until(() -> first.requests() > 100);
          first.close(); // mid-stream: requests keep coming
          firstThread.join(Duration.ofSeconds(30).toMillis());
          assertThat(firstThread.isAlive()).isFalse();
        }
      }
    }
    long answeredByFirst = first.requests();
    assertThat(answeredByFirst).isLessThan(requests.size());
    ServeService second = new ServeService(config(topics, "serve-restart"));
    Thread secondThread = start(second, "serve-second");
    try {
      assertThat(second.championVersion()).contains(1);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> answeredByFirst + second.requests() >= requests.size());
    } finally {
      second.close();
      secondThread.join(Duration.ofSeconds(30).toMillis());
    }
    assertThat(first.failure()).isEmpty();
    assertThat(second.failure()).isEmpty();
    assertThat(answeredByFirst + second.requests()).isEqualTo(requests.size());

    List<ConsumerRecord<String, Prediction>> predictions = read(topics, requests.size());
    Map<String, Long> perId =
        predictions.stream()
            .filter(p -> p.value().getRole() == PredictionRole.CHAMPION)
            .collect(Collectors.groupingBy(p -> p.value().getRecordId(), Collectors.counting()));
    assertThat(perId).hasSize(requests.size());
    assertThat(perId.values()).containsOnly(1L);
    assertThat(predictions).allSatisfy(p -> assertThat(p.value().getVersion()).isEqualTo(1));
    assertThat(predictions).allSatisfy(p -> assertThat(p.key()).isEqualTo(p.value().getRecordId()));
  }

  @Test
  @Timeout(180)
  void aShiftedInputColumnAsksForARetrainInTheSameTransaction() throws Exception {
    Topics topics = new Topics("drift.");
    KAFKA.createTopics(topics.allNames().toArray(String[]::new));
    Stored stored = storeTwoVersions();
    try (KafkaProducer<String, SpecificRecord> promoter = avroProducer()) {
      promoter.send(
          new ProducerRecord<>(
              topics.name(Topics.MODELS_PROMOTED), ServeFixtures.MODEL_ID, stored.v1()));
    }
    ServeService service = new ServeService(config(topics, "serve-drift").withDrift(200, 0.25));
    Thread thread = start(service, "serve-drift");
    Serializer<SpecificRecord> serializer = AvroSerdes.valueSerializer(KAFKA.schemaRegistryUrl());
    List<RawRecord> requests = requests("d", 400);
    try (KafkaProducer<byte[], byte[]> producer = requestProducer()) {
      for (int i = 0; i < requests.size(); i++) {
        RawRecord request = requests.get(i);
        if (i == 200) {
          // windows count requests in the order served, across partitions: the first is done
          producer.flush();
          await().atMost(Duration.ofSeconds(30)).until(() -> service.requests() == 200);
        }
        if (i >= 200) {
          // the second window: incomes one and a half training deviations higher
          Map<String, Object> values =
              new HashMap<>(((TabularPayload) request.getPayload()).getValues());
          values.computeIfPresent("Income", (k, v) -> ((Double) v) + 300);
          request = ServeFixtures.tabular(request.getId(), null, values);
        }
        send(producer, topics, request.getId(), serializer.serialize("x", request));
      }
    }
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> service.requests() == 400);
    } finally {
      service.close();
      thread.join(Duration.ofSeconds(30).toMillis());
    }
    assertThat(service.failure()).isEmpty();
    List<ConsumerRecord<String, RetrainRequest>> control =
        TopicReader.readAll(
            KAFKA.bootstrapServers(),
            topics.name(Topics.CONTROL),
            AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), RetrainRequest.class),
            Duration.ofSeconds(2));
    assertThat(control).hasSize(1);
    assertThat(control.get(0).key()).isEqualTo(ServeFixtures.MODEL_ID);
    RetrainRequest request = control.get(0).value();
    assertThat(request.getTrigger()).isEqualTo(RetrainCause.INPUT_DRIFT);
    assertThat(request.getDetector()).isEqualTo("psi");
    assertThat(request.getFeature()).isEqualTo("Income");
    assertThat(request.getModelVersion()).isEqualTo(1);
    assertThat(request.getStatistic()).isGreaterThan(0.25);
    assertThat(request.getThreshold()).isEqualTo(0.25);
    assertThat(request.getWindowFrom()).isEqualTo(201);
    assertThat(request.getWindowTo()).isEqualTo(400);
    assertThat(request.getReason()).contains("Income");
    assertThat(service.driftRequests()).isEqualTo(1);
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, Topics topics, String id, byte[] value) {
    producer.send(
        new ProducerRecord<>(
            topics.name(Topics.REQUESTS), id.getBytes(StandardCharsets.UTF_8), value));
  }

  private static List<ConsumerRecord<String, Prediction>> read(Topics topics, int atLeast) {
    return TopicReader.readAll(
        KAFKA.bootstrapServers(),
        topics.name(Topics.PREDICTIONS),
        AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), Prediction.class),
        Duration.ofSeconds(3));
  }
}
