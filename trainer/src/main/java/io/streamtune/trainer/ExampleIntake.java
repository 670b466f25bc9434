package io.streamtune.trainer;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.serde.RegistryOutages;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Takes the consumer's records into the training state: decodes each value on its own (the consumer
 * reads bytes), so an undecodable record is dead-lettered with its original bytes instead of
 * breaking {@code poll}; a record the state refuses is dead-lettered with the reason. Either way
 * its offset is covered by the next version.
 */
final class ExampleIntake implements AutoCloseable {

  /**
   * Below the consumer's max.poll.interval.ms (5 min), so the group keeps the trainer meanwhile.
   */
  private static final RegistryOutages.Retry REGISTRY_RETRY =
      RegistryOutages.Retry.of(Duration.ofMinutes(3));

  private final TrainingState state;
  private final TrainerDeadLetters deadLetters;
  private final Deserializer<Example> deserializer;

  ExampleIntake(KafkaConnection kafka, TrainingState state, TrainerDeadLetters deadLetters) {
    this.state = state;
    this.deadLetters = deadLetters;
    this.deserializer =
        AvroSerdes.valueDeserializer(
            kafka.schemaRegistryUrl(), kafka.registrySettings(), Example.class);
  }

  /**
   * @throws RegistryOutages.RegistryUnavailableException when the registry stays unreachable past
   *     the retries: the trainer stops before committing past a record that may well be good
   */
  void take(ConsumerRecord<byte[], byte[]> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    Example example;
    try {
      example =
          record.value() == null
              ? null
              : RegistryOutages.decode(
                  () -> deserializer.deserialize(record.topic(), record.headers(), record.value()),
                  REGISTRY_RETRY,
                  record.topic() + "-" + record.partition() + "@" + record.offset());
    } catch (RegistryOutages.RegistryUnavailableException outage) {
      throw outage;
    } catch (RuntimeException e) {
      state.reject(partition, record.offset());
      deadLetters.send(record, "cannot decode an Example: " + e.getMessage());
      return;
    }
    Optional<String> problem = state.offer(partition, record.offset(), example);
    problem.ifPresent(reason -> deadLetters.send(record, reason));
  }

  @Override
  public void close() {
    deserializer.close();
  }
}
