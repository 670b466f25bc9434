package io.streamtune.trainer;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The Kafka client settings of a trainer: its consumer, version and dead-letter producers. */
final class TrainerClients {

  private TrainerClients() {}

  /** The examples consumer: read_committed, offsets committed only with a version. */
  static Properties consumer(TrainerConfig config, String modelId) {
    Properties props = config.kafka().clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamtune-trainer-" + modelId);
    // Static membership: a trainer restarted after a crash (kill -9) takes its partitions back at
    // once, instead of waiting out the dead member's session (45 s); one trainer per model, so the
    // model id names the member. A second live trainer of the same model is fenced, not merged.
    props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "streamtune-trainer-" + modelId);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return props;
  }

  /**
   * @param transactional the version producer (one transactional id per model fences a second
   *     trainer of it); otherwise the dead-letter producer
   */
  static Properties producer(TrainerConfig config, String modelId, boolean transactional) {
    Properties props = config.kafka().clientProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    if (transactional) {
      props.put(ProducerConfig.CLIENT_ID_CONFIG, "streamtune-trainer-" + modelId + "-versions");
      props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.consumerGroup() + "." + modelId);
    } else {
      props.put(ProducerConfig.CLIENT_ID_CONFIG, "streamtune-trainer-" + modelId + "-deadletter");
      props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    }
    return props;
  }
}
