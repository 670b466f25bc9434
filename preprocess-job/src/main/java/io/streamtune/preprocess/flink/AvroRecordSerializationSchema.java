package io.streamtune.preprocess.flink;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.avro.TransformVersion;
import io.streamtune.schemas.serde.AvroSerdes;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a project Avro record in the Confluent wire format to the topic a selector picks, under
 * the key an extractor picks.
 */
public final class AvroRecordSerializationSchema<T extends SpecificRecord>
    implements KafkaRecordSerializationSchema<T>, KafkaDatasetFacetProvider {

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
  private final ArrayList<String> topics;
  private final TopicSelector<T> topicSelector;
  private final KeyExtractor<T> keyExtractor;

  private transient Serializer<T> serializer;

  /**
   * @param registrySettings schema-registry client settings (authentication, TLS)
   * @param topics every topic {@code topicSelector} can pick
   */
  private AvroRecordSerializationSchema(
      String schemaRegistryUrl,
      Map<String, String> registrySettings,
      List<String> topics,
      TopicSelector<T> topicSelector,
      KeyExtractor<T> keyExtractor) {
    this.schemaRegistryUrl = schemaRegistryUrl;
    this.registrySettings = new HashMap<>(registrySettings);
    this.topics = new ArrayList<>(topics);
    this.topicSelector = topicSelector;
    this.keyExtractor = keyExtractor;
  }

  /**
   * The topics this schema writes to: the sink's POOLING transaction naming lists the open
   * transactions on them to abort lingering ones after a restore.
   */
  @Override
  public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
    return Optional.of(
        new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(topics)));
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
        List.of(trainTopic, holdoutTopic),
        example -> example.getSplit() == Split.HOLDOUT ? holdoutTopic : trainTopic,
        example -> example.getId().getBytes(StandardCharsets.UTF_8));
  }

  /** Dead letters are keyed by record id, or by the original key when the id is unknown. */
  public static AvroRecordSerializationSchema<DeadLetter> deadLetters(
      String schemaRegistryUrl, Map<String, String> registrySettings, String topic) {
    return new AvroRecordSerializationSchema<>(
        schemaRegistryUrl,
        registrySettings,
        List.of(topic),
        deadLetter -> topic,
        AvroRecordSerializationSchema::deadLetterKey);
  }

  /** Fitted transforms are keyed by pipeline name (the topic is compacted: the newest stays). */
  public static AvroRecordSerializationSchema<TransformVersion> transforms(
      String schemaRegistryUrl, Map<String, String> registrySettings, String topic) {
    return new AvroRecordSerializationSchema<>(
        schemaRegistryUrl,
        registrySettings,
        List.of(topic),
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
