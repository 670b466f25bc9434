package io.streamtune.preprocess.flink;

import io.streamtune.common.outcome.RawEnvelope;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Passes raw bytes through untouched: decoding happens in an operator that can dead-letter what
 * does not decode, which a deserialization schema cannot.
 */
public final class RawEnvelopeDeserializationSchema
    implements KafkaRecordDeserializationSchema<RawEnvelope> {

  private static final long serialVersionUID = 1L;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawEnvelope> out) {
    out.collect(
        new RawEnvelope(
            record.topic(), record.partition(), record.offset(), record.key(), record.value()));
  }

  @Override
  public TypeInformation<RawEnvelope> getProducedType() {
    return TypeInformation.of(RawEnvelope.class);
  }
}
