package io.streamtune.schemas.serde;

import io.confluent.kafka.serializers.AbstractKafkaSchemaSerDeConfig;
import io.confluent.kafka.serializers.KafkaAvroDeserializer;
import io.confluent.kafka.serializers.KafkaAvroDeserializerConfig;
import io.confluent.kafka.serializers.KafkaAvroSerializer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serdes for the project's Avro records in the Confluent wire format (magic byte, 4-byte
 * schema id, Avro binary), built on the Confluent serializers and schema-registry client (with
 * their per-record lookups cached, see {@link CachedAvroSerdes}).
 *
 * <p>The Confluent classes are not {@link java.io.Serializable}: Flink functions must create them
 * in {@code open()}.
 */
public final class AvroSerdes {

  static {
    AvroTrust.trustProjectClasses();
  }

  private AvroSerdes() {}

  /** Serializer/deserializer settings for a registry URL (http://… or mock://… in tests). */
  public static Map<String, Object> config(String schemaRegistryUrl) {
    return config(schemaRegistryUrl, Map.of());
  }

  /**
   * Serializer/deserializer settings for a registry URL and client settings by their Confluent
   * names ({@code basic.auth.credentials.source}, {@code schema.registry.ssl.truststore.location}
   * …); the URL, schema registration and the specific reader are the project's.
   */
  public static Map<String, Object> config(
      String schemaRegistryUrl, Map<String, String> registrySettings) {
    Map<String, Object> config = new HashMap<>(registrySettings);
    config.put(AbstractKafkaSchemaSerDeConfig.SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl);
    config.put(AbstractKafkaSchemaSerDeConfig.AUTO_REGISTER_SCHEMAS, true);
    config.put(KafkaAvroDeserializerConfig.SPECIFIC_AVRO_READER_CONFIG, true);
    return config;
  }

  public static <T extends SpecificRecord> Serializer<T> valueSerializer(String schemaRegistryUrl) {
    return valueSerializer(schemaRegistryUrl, Map.of());
  }

  /**
   * @param registrySettings registry client settings (authentication, TLS) by Confluent name
   */
  public static <T extends SpecificRecord> Serializer<T> valueSerializer(
      String schemaRegistryUrl, Map<String, String> registrySettings) {
    KafkaAvroSerializer inner = new KafkaAvroSerializer();
    inner.configure(config(schemaRegistryUrl, registrySettings), false);
    return new CachedAvroSerdes.CachedSerializer<>(inner);
  }

  public static <T extends SpecificRecord> Deserializer<T> valueDeserializer(
      String schemaRegistryUrl, Class<T> type) {
    return valueDeserializer(schemaRegistryUrl, Map.of(), type);
  }

  /**
   * @param registrySettings registry client settings (authentication, TLS) by Confluent name
   */
  public static <T extends SpecificRecord> Deserializer<T> valueDeserializer(
      String schemaRegistryUrl, Map<String, String> registrySettings, Class<T> type) {
    CachedAvroSerdes.CachedDeserializer.Confluent inner =
        new CachedAvroSerdes.CachedDeserializer.Confluent();
    inner.configure(config(schemaRegistryUrl, registrySettings), false);
    return new CachedAvroSerdes.CachedDeserializer<>(
        inner, new TypedDeserializer<>(inner, type), type);
  }

  public static <T extends SpecificRecord> Serde<T> valueSerde(
      String schemaRegistryUrl, Class<T> type) {
    return Serdes.serdeFrom(
        valueSerializer(schemaRegistryUrl), valueDeserializer(schemaRegistryUrl, type));
  }

  /** Narrows the Confluent deserializer's {@code Object} to the expected record type. */
  private record TypedDeserializer<T>(KafkaAvroDeserializer inner, Class<T> type)
      implements Deserializer<T> {

    @Override
    public T deserialize(String topic, byte[] data) {
      Object value = inner.deserialize(topic, data);
      if (value == null) {
        return null;
      }
      if (!type.isInstance(value)) {
        throw new WrongRecordTypeException(
            "expected "
                + type.getSimpleName()
                + " but the payload holds "
                + value.getClass().getName());
      }
      return type.cast(value);
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  /** A payload that is valid Avro but of another record type than the topic carries. */
  public static final class WrongRecordTypeException
      extends org.apache.kafka.common.errors.SerializationException {
    public WrongRecordTypeException(String message) {
      super(message);
    }
  }
}
