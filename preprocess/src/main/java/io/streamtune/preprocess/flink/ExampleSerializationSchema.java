package io.streamtune.preprocess.flink;

import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.serde.AvroSerdes;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/** Writes an example to the train or the holdout topic, by its split, keyed by example id. */
public final class ExampleSerializationSchema implements KafkaRecordSerializationSchema<Example> {

  private static final long serialVersionUID = 1L;

  private final String schemaRegistryUrl;
  private final String trainTopic;
  private final String holdoutTopic;

  private transient Serializer<Example> serializer;

  public ExampleSerializationSchema(
      String schemaRegistryUrl, String trainTopic, String holdoutTopic) {
    this.schemaRegistryUrl = schemaRegistryUrl;
    this.trainTopic = trainTopic;
    this.holdoutTopic = holdoutTopic;
  }

  @Override
  public void open(
      SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    // the Confluent serializer is not Serializable, so it is made here, on the task manager
    serializer = AvroSerdes.valueSerializer(schemaRegistryUrl);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      Example example, KafkaSinkContext context, Long timestamp) {
    String topic = example.getSplit() == Split.HOLDOUT ? holdoutTopic : trainTopic;
    return new ProducerRecord<>(
        topic,
        example.getId().getBytes(StandardCharsets.UTF_8),
        serializer.serialize(topic, example));
  }
}
