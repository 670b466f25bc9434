package io.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.common.config.KafkaConnection;
import io.streamtune.common.metrics.MetricsEndpoint;
import io.streamtune.common.metrics.MetricsSettings;
import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.preprocess.PreprocessBatch;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.Prediction;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** POST /predict: the Kafka path's validation and scoring, over HTTP, on loopback. */
class ServeHttpKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 4096;

  @TempDir Path storeRoot;

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> post(String url, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Timeout(120)
  void predictsOverHttpLikeTheKafkaPathAndRefusesBadBodies() throws Exception {
    Topics topics = KAFKA.topics();
    PreprocessBatch.TabularResult batch =
        PreprocessBatch.tabular(
            ServeFixtures.spec(),
            ServeFixtures.records(200, 1, "train").iterator(),
            PreprocessBatch.FitOn.TRAIN);
    ModelVersion v1 =
        ServeFixtures.storeMlp(
            storeRoot, 1, 11, batch.transform(), batch.transform().featureNames().size());
    ServeConfig config =
        ServeConfig.of(
                new KafkaConnection(KAFKA.bootstrapServers(), KAFKA.schemaRegistryUrl(), topics),
                ServeFixtures.spec(),
                storeRoot)
            .withConsumerGroup("serve-http")
            .withHttpPort(0)
            .withHttpMaxBodyBytes(MAX_BODY);
    ServeService service = new ServeService(config);
    MetricsEndpoint metrics = MetricsEndpoint.start("serve", MetricsSettings.off());
    service.bindMetrics(metrics);
    Thread thread = new Thread(service, "serve-http-under-test");
    thread.start();
    try {
      assertThat(service.awaitReady(Duration.ofSeconds(60))).isTrue();
      String url = service.httpUrl().orElseThrow();
      assertThat(url).startsWith("http://127.0.0.1:").endsWith("/predict");
      String good =
          "{\"id\": \"h1\", \"values\": {\"Income\": 310.5, \"Age\": 41, \"Home\": \"rent\"}}";

      HttpResponse<String> before = post(url, good);
      assertThat(before.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(before.body()).get("error").asText())
          .isEqualTo("no champion for model " + ServeFixtures.MODEL_ID + " yet");

      try (KafkaProducer<String, SpecificRecord> promoter = avroProducer()) {
        promoter.send(
            new ProducerRecord<>(topics.name(Topics.MODELS_PROMOTED), ServeFixtures.MODEL_ID, v1));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> service.championVersion().isPresent());

      HttpResponse<String> ok = post(url, good);
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      assertThat(ok.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
      JsonNode answer = JSON.readTree(ok.body());
      ServedPrediction expected = expected(v1, good);
      assertThat(answer.get("id").asText()).isEqualTo("h1");
      assertThat(answer.get("modelId").asText()).isEqualTo(ServeFixtures.MODEL_ID);
      assertThat(answer.get("version").asInt()).isEqualTo(1);
      assertThat(answer.get("predictedLabel").asText()).isEqualTo(expected.predictedLabel());
      assertThat(answer.get("transformVersion").asLong()).isEqualTo(batch.transform().version());
      assertThat(answer.get("latencyMicros").asLong()).isPositive();
      for (int k = 0; k < 2; k++) {
        assertThat(answer.get("probabilities").get(ServeFixtures.LABELS.get(k)).floatValue())
            .isEqualTo(expected.probabilities()[k]);
      }
      // no id: one is made up
      HttpResponse<String> anonymous = post(url, "{\"values\": {\"Income\": 900}}");
      assertThat(anonymous.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(anonymous.body()).get("id").asText()).startsWith("http-");

      String badCell = "{\"id\": \"h2\", \"values\": {\"Income\": \"lots\", \"Age\": 3}}";
      HttpResponse<String> invalid = post(url, badCell);
      assertThat(invalid.statusCode()).isEqualTo(400);
      JsonNode refusal = JSON.readTree(invalid.body());
      assertThat(refusal.get("stage").asText()).isEqualTo("validate");
      assertThat(refusal.get("error").asText()).contains("column 'Income'");
      assertThat(refusal.get("id").asText()).isEqualTo("h2");

      HttpResponse<String> text = post(url, "{\"text\": \"hello\"}");
      assertThat(text.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(text.body()).get("error").asText())
          .contains("wrong payload type: expected tabular, got text");

      HttpResponse<String> notJson = post(url, "{values: ");
      assertThat(notJson.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(notJson.body()).get("stage").asText()).isEqualTo("serve");
      assertThat(post(url, "{\"values\": {}, \"text\": \"x\"}").statusCode()).isEqualTo(400);
      assertThat(post(url, "{\"values\": {\"Income\": [1, 2]}}").body())
          .contains("values.Income: array is not a cell value");

      HttpResponse<String> tooLarge =
          post(url, "{\"values\": {\"Home\": \"" + "x".repeat(MAX_BODY) + "\"}}");
      assertThat(tooLarge.statusCode()).isEqualTo(413);

      HttpResponse<String> get =
          client.send(
              HttpRequest.newBuilder(URI.create(url)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(405);

      assertThat(service.httpPredictions()).isEqualTo(2);
      assertThat(service.httpRefusals()).isEqualTo(5);
      // the meters: one HTTP latency per answered request, the refusals counted in, not out
      String scrape = metrics.scrape();
      assertThat(scrape)
          .containsPattern(
              "streamtune_serve_request_latency_seconds_count\\{path=\"http\",service=\"serve\"}"
                  + " 2(\\.0)?\n")
          .contains("streamtune_records_in_total{service=\"serve\",stage=\"serve\"} 7.0")
          .contains("streamtune_records_out_total{service=\"serve\",stage=\"serve\"} 2.0")
          .contains("streamtune_serve_champion_version{service=\"serve\"} 1.0");

      List<ConsumerRecord<String, Prediction>> predictions =
          TopicReader.readAtLeast(
              KAFKA.bootstrapServers(),
              topics.name(Topics.PREDICTIONS),
              AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), Prediction.class),
              2,
              Duration.ofSeconds(30));
      Prediction h1 =
          predictions.stream()
              .map(ConsumerRecord::value)
              .filter(p -> p.getRecordId().equals("h1"))
              .findFirst()
              .orElseThrow();
      assertThat(h1.getSource()).isEqualTo("http");
      assertThat(h1.getVersion()).isEqualTo(1);
      assertThat(h1.getProbabilities().get(1)).isEqualTo(expected.probabilities()[1]);
      List<ConsumerRecord<String, DeadLetter>> letters =
          TopicReader.readAtLeast(
              KAFKA.bootstrapServers(),
              topics.name(Topics.DEADLETTER),
              AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), DeadLetter.class),
              5,
              Duration.ofSeconds(30));
      DeadLetter h2 =
          letters.stream()
              .map(ConsumerRecord::value)
              .filter(l -> "h2".equals(l.getRecordId()))
              .findFirst()
              .orElseThrow();
      assertThat(h2.getTopic()).isEqualTo("http");
      assertThat(h2.getStage()).isEqualTo("validate");
      assertThat(utf8(h2.getOriginalValue())).isEqualTo(badCell);
    } finally {
      service.close();
      thread.join(Duration.ofSeconds(30).toMillis());
      metrics.close();
    }
    assertThat(service.failure()).isEmpty();
  }

  /** The same request through a ServingModel of its own. */
  private ServedPrediction expected(ModelVersion version, String body) throws Exception {
    String registry = "mock://serve-http-expected";
    RawRecord record =
        HttpRequests.parse(body.getBytes(StandardCharsets.UTF_8), "x", java.time.Instant.EPOCH);
    byte[] bytes;
    try (Serializer<SpecificRecord> serializer = AvroSerdes.valueSerializer(registry)) {
      bytes = serializer.serialize("requests", record);
    }
    try (StoreModelLoader loader = new StoreModelLoader(storeRoot, false);
        ServingModel serving =
            ServingModel.load(
                version,
                ServeFixtures.spec(),
                loader,
                AvroSerdes.valueDeserializer(registry, RawRecord.class))) {
      return ((Outcome.Accepted<ServedPrediction>)
              serving.predict(new RawEnvelope("requests", 0, 0, null, bytes)))
          .value();
    }
  }

  private static String utf8(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private KafkaProducer<String, SpecificRecord> avroProducer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(
        props, new StringSerializer(), AvroSerdes.valueSerializer(KAFKA.schemaRegistryUrl()));
  }
}
