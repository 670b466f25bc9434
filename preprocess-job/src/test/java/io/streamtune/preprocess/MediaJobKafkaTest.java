package io.streamtune.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.text.EmailText;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.ingest.IdxImageReader;
import io.streamtune.ingest.JsonlTextReader;
import io.streamtune.preprocess.core.Splitter;
import io.streamtune.preprocess.media.MediaAugmenter;
import io.streamtune.preprocess.media.MediaRecord;
import io.streamtune.preprocess.media.MediaSpecs;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.avro.TextPayload;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image and text paths of the job on a local Flink MiniCluster against the embedded broker and
 * registry: originals plus N augmented copies on examples.train, none on examples.holdout, bad
 * records dead-lettered, every count exact.
 */
class MediaJobKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final Path IMAGES =
      Path.of("..", "data", "fashion-mnist", "fashion-mnist-500-images-idx3-ubyte.gz");
  private static final Path LABELS =
      Path.of("..", "data", "fashion-mnist", "fashion-mnist-500-labels-idx1-ubyte.gz");
  private static final int IMAGE_COUNT = 300;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void fashionMnistTrainRecordsGetTheirCopiesAndHoldoutNone() throws Exception {
    PipelineSpec spec = PipelineSpecs.load(Path.of("..", "pipelines", "fashion-mnist.yaml"));
    String topic = KAFKA.topics().name(Topics.RAW);
    Serializer<RawRecord> serializer = AvroSerdes.valueSerializer(KAFKA.schemaRegistryUrl());

    List<RawRecord> good = new ArrayList<>();
    try (IdxImageReader reader =
        new IdxImageReader(
            IMAGES, LABELS, IdxImageReader.FASHION_MNIST_CLASSES, "fmnist", Clock.systemUTC())) {
      while (good.size() < IMAGE_COUNT) {
        good.add(reader.next());
      }
    }
    Map<String, byte[]> bad = new HashMap<>();
    bad.put(
        "bad-shape",
        serializer.serialize(
            topic,
            MediaSpecs.raw("bad-shape", "Bag", MediaSpecs.rawImage(27, 28, 1, new byte[27 * 28]))));
    bad.put(
        "bad-png",
        serializer.serialize(
            topic,
            MediaSpecs.raw(
                "bad-png",
                "Bag",
                MediaSpecs.encoded(ImageEncoding.PNG, "\u0089PNG but broken".getBytes()))));
    bad.put(
        "bad-text",
        serializer.serialize(
            topic, MediaSpecs.raw("bad-text", "Bag", MediaSpecs.text("a text, not an image"))));
    bad.put(
        "bad-label",
        serializer.serialize(
            topic,
            MediaSpecs.raw("bad-label", "Hat", MediaSpecs.rawImage(28, 28, 1, new byte[784]))));
    bad.put("garbage", "definitely not avro".getBytes(StandardCharsets.UTF_8));
    try (KafkaProducer<String, byte[]> producer = JobTestKit.byteProducer(KAFKA)) {
      for (RawRecord record : good) {
        producer.send(
            new ProducerRecord<>(topic, record.getId(), serializer.serialize(topic, record)));
      }
      for (Map.Entry<String, byte[]> entry : bad.entrySet()) {
        producer.send(new ProducerRecord<>(topic, entry.getKey(), entry.getValue()));
      }
      producer.flush();
    }

    // what the job must write, from the same cores (so the stream equals the preview)
    Splitter splitter = Splitter.of(spec.split());
    MediaAugmenter augmenter = MediaAugmenter.of(spec);
    Map<String, Example> expectedTrain = new HashMap<>();
    Set<String> expectedHoldout = new HashSet<>();
    int trainOriginals = 0;
    for (RawRecord record : good) {
      MediaRecord media = media(record, spec);
      media.split = splitter.splitOf(record.getId());
      if (media.split == Split.TRAIN) {
        trainOriginals++;
        augmenter.expand(media, example -> expectedTrain.put(example.getId(), example));
      } else {
        expectedHoldout.add(record.getId());
      }
    }
    assertThat(trainOriginals).isBetween(IMAGE_COUNT * 7 / 10, IMAGE_COUNT * 9 / 10);
    long shirts =
        good.stream()
            .filter(r -> r.getLabel().equals("Shirt"))
            .filter(r -> splitter.splitOf(r.getId()) == Split.TRAIN)
            .count();
    // 2 copies each, 4 for Shirt (the spec's copiesPerClass)
    assertThat(expectedTrain).hasSize((int) (trainOriginals * 3 + shirts * 2));

    Topics topics = KAFKA.topics();
    KafkaConnection kafka =
        new KafkaConnection(KAFKA.bootstrapServers(), KAFKA.schemaRegistryUrl(), topics);
    PreprocessConfig config =
        PreprocessConfig.of(kafka, spec)
            .withConsumerGroup("media-kafka-test")
            .withCheckpointInterval(Duration.ofMillis(500))
            .withRestartAttempts(1);
    JobClient job =
        PreprocessJob.start(StreamExecutionEnvironment.createLocalEnvironment(), config);
    try {
      List<ConsumerRecord<String, Example>> train =
          JobTestKit.read(
              KAFKA, topics.name(Topics.EXAMPLES_TRAIN), Example.class, expectedTrain.size());
      List<ConsumerRecord<String, Example>> holdout =
          JobTestKit.read(
              KAFKA, topics.name(Topics.EXAMPLES_HOLDOUT), Example.class, expectedHoldout.size());
      List<ConsumerRecord<String, DeadLetter>> deadLetters =
          JobTestKit.read(KAFKA, topics.name(Topics.DEADLETTER), DeadLetter.class, bad.size());

      assertThat(train).hasSize(expectedTrain.size());
      assertThat(holdout).hasSize(expectedHoldout.size());
      assertThat(deadLetters).hasSize(bad.size());
      assertThat(JobTestKit.uniqueKeys(train)).isEqualTo(expectedTrain.keySet());
      assertThat(JobTestKit.uniqueKeys(holdout)).isEqualTo(expectedHoldout);

      for (ConsumerRecord<String, Example> record : train) {
        Example example = record.value();
        Example expected = expectedTrain.get(example.getId());
        assertThat(example.getSplit()).isEqualTo(Split.TRAIN);
        assertThat(example.getAugmentedFrom()).isEqualTo(expected.getAugmentedFrom());
        assertThat(example.getSourceId()).isEqualTo(expected.getSourceId());
        assertThat(example.getLabelIndex())
            .isEqualTo(spec.label().classes().indexOf(example.getLabel()));
        assertThat(example.getFeatures()).isEmpty();
        assertThat(example.getText()).isNull();
        assertThat(example.getImage().getWidth()).isEqualTo(28);
        assertThat(example.getImage().getEncoding()).isEqualTo(ImageEncoding.RAW_U8);
        // deterministic from (seed, id, k): the stream wrote exactly what the core computes
        assertThat(JobTestKit.bytes(example.getImage().getData()))
            .as(example.getId())
            .isEqualTo(JobTestKit.bytes(expected.getImage().getData()));
      }
      assertThat(train.stream().filter(r -> r.value().getAugmentedFrom() == null))
          .hasSize(trainOriginals);
      assertThat(holdout)
          .allSatisfy(
              r -> {
                assertThat(r.value().getSplit()).isEqualTo(Split.HOLDOUT);
                assertThat(r.value().getAugmentedFrom()).isNull();
                assertThat(r.value().getId()).isEqualTo(r.value().getSourceId());
              });

      Map<String, DeadLetter> byKey =
          deadLetters.stream()
              .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
      assertThat(byKey.keySet()).isEqualTo(bad.keySet());
      assertThat(byKey.get("bad-shape").getReason())
          .isEqualTo("shape mismatch: got 27x28x1, expected 28x28x1");
      assertThat(byKey.get("bad-png").getReason()).startsWith("undecodable PNG image");
      assertThat(byKey.get("bad-text").getReason())
          .isEqualTo("wrong payload type: expected image, got text");
      assertThat(byKey.get("bad-label").getReason()).startsWith("unknown label 'Hat'");
      assertThat(byKey.get("garbage").getStage()).isEqualTo("deserialize");
      for (String key : bad.keySet()) {
        assertThat(JobTestKit.bytes(byKey.get(key).getOriginalValue())).isEqualTo(bad.get(key));
        if (!key.equals("garbage")) {
          assertThat(byKey.get(key).getStage()).isEqualTo("validate");
          assertThat(byKey.get(key).getRecordId()).isEqualTo(key);
        }
      }
    } finally {
      JobTestKit.cancelAndAwait(job);
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void jsonlTextsGetEdaCopiesOnTheTrainSplitOnly(@TempDir Path dir) throws Exception {
    PipelineSpec spec = PipelineSpecs.load(Path.of("..", "pipelines", "spam.yaml"));
    Topics topics = new Topics("text.");
    KAFKA.createTopics(topics.allNames().toArray(String[]::new));
    String topic = topics.name(Topics.RAW);
    Serializer<RawRecord> serializer = AvroSerdes.valueSerializer(KAFKA.schemaRegistryUrl());

    // 60 mails as JSON Lines, read by the ingest reader, plus an empty text and an unknown label
    Path jsonl = dir.resolve("mails.jsonl");
    List<String> lines = new ArrayList<>();
    String[] ham = {
      "meeting moved to thursday afternoon please bring the quarterly report",
      "thanks for the quick reply the fix works on my machine as well",
      "could you review the draft before friday and send comments to the team"
    };
    String[] spam = {
      "cheap watches and amazing offers click here to claim your free prize today",
      "you have won a large cash reward reply now with your bank details"
    };
    for (int i = 0; i < 60; i++) {
      boolean isSpam = i % 3 == 0;
      String text = (isSpam ? spam[i % 2] : ham[i % 3]) + " number " + i;
      if (i % 5 == 0) {
        // a raw e-mail: the spec's text.format email reduces it to Subject + body on entry
        text = "Received: from relay.example.com\\nSubject: number " + i + "\\n\\n" + text;
      }
      lines.add(
          "{\"id\": \"m"
              + i
              + "\", \"label\": \""
              + (isSpam ? "spam" : "ham")
              + "\", \"text\": \""
              + text
              + "\"}");
    }
    lines.add("{\"id\": \"empty\", \"label\": \"ham\", \"text\": \"   \"}");
    lines.add("{\"id\": \"phish\", \"label\": \"phishing\", \"text\": \"hello\"}");
    java.nio.file.Files.write(jsonl, lines);
    List<RawRecord> records = new ArrayList<>();
    try (JsonlTextReader reader =
        new JsonlTextReader(
            java.nio.file.Files.newBufferedReader(jsonl),
            spec.text().field(),
            spec.label().column(),
            spec.text().idField(),
            "mails",
            Clock.systemUTC())) {
      reader.forEachRemaining(item -> records.add(((Outcome.Accepted<RawRecord>) item).value()));
    }
    assertThat(records).hasSize(62);
    try (KafkaProducer<String, byte[]> producer = JobTestKit.byteProducer(KAFKA)) {
      for (RawRecord record : records) {
        producer.send(
            new ProducerRecord<>(topic, record.getId(), serializer.serialize(topic, record)));
      }
      producer.flush();
    }

    Splitter splitter = Splitter.of(spec.split());
    Map<String, Integer> expectedTrain = new HashMap<>();
    Set<String> expectedHoldout = new HashSet<>();
    for (RawRecord record : records.subList(0, 60)) {
      if (splitter.splitOf(record.getId()) == Split.TRAIN) {
        int copies = spec.augment().copiesFor(record.getLabel());
        expectedTrain.put(record.getId(), copies);
      } else {
        expectedHoldout.add(record.getId());
      }
    }
    int expectedTrainCount = expectedTrain.values().stream().mapToInt(copies -> 1 + copies).sum();

    KafkaConnection kafka =
        new KafkaConnection(KAFKA.bootstrapServers(), KAFKA.schemaRegistryUrl(), topics);
    PreprocessConfig config =
        PreprocessConfig.of(kafka, spec)
            .withConsumerGroup("media-text-test")
            .withCheckpointInterval(Duration.ofMillis(500))
            .withRestartAttempts(1);
    JobClient job =
        PreprocessJob.start(StreamExecutionEnvironment.createLocalEnvironment(), config);
    try {
      List<ConsumerRecord<String, Example>> train =
          JobTestKit.read(
              KAFKA, topics.name(Topics.EXAMPLES_TRAIN), Example.class, expectedTrainCount);
      List<ConsumerRecord<String, Example>> holdout =
          JobTestKit.read(
              KAFKA, topics.name(Topics.EXAMPLES_HOLDOUT), Example.class, expectedHoldout.size());
      List<ConsumerRecord<String, DeadLetter>> deadLetters =
          JobTestKit.read(KAFKA, topics.name(Topics.DEADLETTER), DeadLetter.class, 2);

      assertThat(train).hasSize(expectedTrainCount);
      assertThat(JobTestKit.uniqueKeys(holdout)).isEqualTo(expectedHoldout);
      Set<String> trainKeys = JobTestKit.uniqueKeys(train);
      expectedTrain.forEach(
          (id, copies) -> {
            assertThat(trainKeys).contains(id);
            for (int k = 1; k <= copies; k++) {
              assertThat(trainKeys).contains(id + "#aug" + k);
            }
          });
      Map<String, String> originals = new HashMap<>();
      records.forEach(
          r -> originals.put(r.getId(), ((TextPayload) r.getPayload()).getText().toString()));
      for (ConsumerRecord<String, Example> record : train) {
        Example example = record.value();
        assertThat(example.getImage()).isNull();
        assertThat(example.getText()).isNotBlank();
        if (example.getAugmentedFrom() == null) {
          assertThat(example.getText())
              .isEqualTo(EmailText.subjectAndBody(originals.get(example.getId())));
        } else {
          assertThat(example.getId()).startsWith(example.getAugmentedFrom() + "#aug");
          assertThat(example.getLabel())
              .isEqualTo(expectedTrainLabel(records, example.getAugmentedFrom()));
        }
      }
      assertThat(holdout).allMatch(r -> r.value().getAugmentedFrom() == null);
      assertThat(train)
          .filteredOn(
              r -> {
                Example example = r.value();
                String source =
                    example.getAugmentedFrom() == null
                        ? example.getId()
                        : example.getAugmentedFrom().toString();
                return originals.get(source).startsWith("Received");
              })
          .isNotEmpty()
          .allMatch(r -> !r.value().getText().contains("Received"));
      Map<String, DeadLetter> byKey =
          deadLetters.stream()
              .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
      assertThat(byKey.get("empty").getReason())
          .isEqualTo("empty text (no Subject and no body in the e-mail)");
      assertThat(byKey.get("phish").getReason())
          .isEqualTo("unknown label 'phishing'; expected one of [ham, spam]");
    } finally {
      JobTestKit.cancelAndAwait(job);
    }
  }

  private static String expectedTrainLabel(List<RawRecord> records, String id) {
    return records.stream().filter(r -> r.getId().equals(id)).findFirst().orElseThrow().getLabel();
  }

  static MediaRecord media(RawRecord record, PipelineSpec spec) {
    ImagePayload image = (ImagePayload) record.getPayload();
    return MediaRecord.image(
        record.getId(),
        record.getEventTime().toEpochMilli(),
        record.getLabel(),
        spec.label().classes().indexOf(record.getLabel()),
        image.getWidth(),
        image.getHeight(),
        image.getChannels(),
        JobTestKit.bytes(image.getData()));
  }
}
