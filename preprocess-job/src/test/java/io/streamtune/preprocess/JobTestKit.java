package io.streamtune.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.serde.AvroSerdes;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the preprocess job tests against the embedded broker share: produce, read, stop. */
final class JobTestKit {

  static final Duration READ_TIMEOUT = Duration.ofSeconds(90);

  private JobTestKit() {}

  /** A producer of pre-serialized values (bad bytes included), acks=all. */
  static KafkaProducer<String, byte[]> byteProducer(EmbeddedKafkaExtension kafka) {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  /** At least {@code count} Avro records of {@code topic}, or fails after {@link #READ_TIMEOUT}. */
  static <T extends SpecificRecord> List<ConsumerRecord<String, T>> read(
      EmbeddedKafkaExtension kafka, String topic, Class<T> type, int count) {
    return TopicReader.readAtLeast(
        kafka.bootstrapServers(),
        topic,
        AvroSerdes.valueDeserializer(kafka.schemaRegistryUrl(), type),
        count,
        READ_TIMEOUT);
  }

  /** The keys, asserting each is written once and equals its example's id. */
  static Set<String> uniqueKeys(List<ConsumerRecord<String, Example>> records) {
    List<String> keys = records.stream().map(ConsumerRecord::key).toList();
    assertThat(keys).doesNotHaveDuplicates();
    assertThat(records).allMatch(r -> r.key().equals(r.value().getId()));
    return new HashSet<>(keys);
  }

  static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  /** Cancels and waits until the job is gone, so it does not outlive the broker. */
  static void cancelAndAwait(JobClient job) throws Exception {
    job.cancel().get(30, TimeUnit.SECONDS);
    try {
      job.getJobExecutionResult().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException cancelled) {
      // expected: a cancelled job ends with an exception
    }
  }
}
