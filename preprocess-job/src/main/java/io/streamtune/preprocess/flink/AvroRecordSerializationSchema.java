package io.streamtune.preprocess.flink;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.avro.TransformVersion;
import io.streamtune.schemas.serde.AvroSerdes;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a project Avro record in the Confluent wire format to the topic a selector picks, under
 * the key an extractor picks.
 */
public final class AvroRecordSerializationSchema<T extends SpecificRecord>
    implements KafkaRecordSerializationSchema<T> {

  private static final long serialVersionUID = 1L;

  /** Picks a record's topic. */
  public interface TopicSelector<T> extends Serializable {
    String topicOf(T record);
  }

  /** Picks a record's key bytes (null for no key). */
  public interface KeyExtractor<T> extends Serializable {
    byte[] keyOf(T record);
  }

  private final String schemaRegistryUrl;
  private final HashMap<String, String> registrySettings;
  private final TopicSelector<T> topicSelector;
  private final KeyExtractor<T> keyExtractor;

  private transient Serializer<T> serializer;

  public AvroRecordSerializationSchema(
      String schemaRegistryUrl, TopicSelector<T> topicSelector, KeyExtractor<T> keyExtractor) {
    this(schemaRegistryUrl, Map.of(), topicSelector, keyExtractor);
  }

  /**
   * @param registrySettings schema-registry client settings (authentication, TLS)
   */
  public AvroRecordSerializationSchema(
      String schemaRegistryUrl,
      Map<String, String> registrySettings,
      TopicSelector<T> topicSelector,
      KeyExtractor<T> keyExtractor) {
    this.schemaRegistryUrl = schemaRegistryUrl;
    this.registrySettings = new HashMap<>(registrySettings);
    this.topicSelector = topicSelector;
    this.keyExtractor = keyExtractor;
  }

  /** Examples go to the train or the holdout topic by their split, keyed by example id. */
  public static AvroRecordSerializationSchema<Example> examples(
      String schemaRegistryUrl,
      Map<String, String> registrySettings,
      String trainTopic,
      String holdoutTopic) {
    return new AvroRecordSerializationSchema<>(
        schemaRegistryUrl,
        registrySettings,
        example -> example.getSplit() == Split.HOLDOUT ? holdoutTopic : trainTopic,
        example -> example.getId().getBytes(StandardCharsets.UTF_8));
  }

  /** Dead letters are keyed by record id, or by the original key when the id is unknown. */
  public static AvroRecordSerializationSchema<DeadLetter> deadLetters(
      String schemaRegistryUrl, Map<String, String> registrySettings, String topic) {
    return new AvroRecordSerializationSchema<>(
        schemaRegistryUrl,
        registrySettings,
        deadLetter -> topic,
        AvroRecordSerializationSchema::deadLetterKey);
  }

  /** Fitted transforms are keyed by pipeline name (the topic is compacted: the newest stays). */
  public static AvroRecordSerializationSchema<TransformVersion> transforms(
      String schemaRegistryUrl, Map<String, String> registrySettings, String topic) {
    return new AvroRecordSerializationSchema<>(
        schemaRegistryUrl,
        registrySettings,
        transform -> topic,
        transform -> transform.getPipeline().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void open(
      SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    // the Confluent serializer is not Serializable, so it is made here, on the task manager
    serializer = AvroSerdes.valueSerializer(schemaRegistryUrl, registrySettings);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      T record, KafkaSinkContext context, Long timestamp) {
    String topic = topicSelector.topicOf(record);
    return new ProducerRecord<>(
        topic, keyExtractor.keyOf(record), serializer.serialize(topic, record));
  }

  private static byte[] deadLetterKey(DeadLetter deadLetter) {
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
