package io.streamtune.preprocess.flink;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.serde.AvroSerdes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/** Writes a dead letter keyed by record id, or by the original key when the id is unknown. */
public final class DeadLetterSerializationSchema
    implements KafkaRecordSerializationSchema<DeadLetter> {

  private static final long serialVersionUID = 1L;

  private final String schemaRegistryUrl;
  private final String topic;

  private transient Serializer<DeadLetter> serializer;

  public DeadLetterSerializationSchema(String schemaRegistryUrl, String topic) {
    this.schemaRegistryUrl = schemaRegistryUrl;
    this.topic = topic;
  }

  @Override
  public void open(
      SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    serializer = AvroSerdes.valueSerializer(schemaRegistryUrl);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      DeadLetter deadLetter, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(topic, key(deadLetter), serializer.serialize(topic, deadLetter));
  }

  private static byte[] key(DeadLetter deadLetter) {
    if (deadLetter.getRecordId() != null) {
      return deadLetter.getRecordId().getBytes(StandardCharsets.UTF_8);
    }
    ByteBuffer original = deadLetter.getOriginalKey();
    if (original == null) {
      return null;
    }
    byte[] key = new byte[original.remaining()];
    original.duplicate().get(key);
    return key;
  }
}
