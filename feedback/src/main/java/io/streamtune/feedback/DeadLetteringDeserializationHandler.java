package io.streamtune.feedback;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.deadletter.DeadLetterRecords;
import io.streamtune.schemas.serde.AvroSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record the feedback app cannot read (not Avro, another schema, a broken key) becomes a {@link
 * DeadLetter} on the dead-letter topic — stage {@value #STAGE}, the reason, where it was and its
 * bytes (bounded) — written in the app's own transaction, and the app goes on: never a crash, never
 * a silent skip.
 */
public final class DeadLetteringDeserializationHandler implements DeserializationExceptionHandler {

  /** The dead letters' stage. */
  public static final String STAGE = "feedback";

  /** Config key (in the Streams properties) of the dead-letter topic's full name. */
  public static final String DEAD_LETTER_TOPIC = "streamtune.feedback.deadletter.topic";

  /** Config key of the schema registry URL; registry client settings pass under their names. */
  public static final String REGISTRY_URL = "streamtune.feedback.schema.registry.url";

  private static final Logger LOG =
      LoggerFactory.getLogger(DeadLetteringDeserializationHandler.class);

  private String topic;
  private Serializer<DeadLetter> serializer;
  private Clock clock = Clock.systemUTC();

  @Override
  public void configure(Map<String, ?> configs) {
    topic = String.valueOf(configs.get(DEAD_LETTER_TOPIC));
    Map<String, String> registrySettings = new HashMap<>();
    configs.forEach(
        (key, value) -> {
          if (key.startsWith("schema.registry.")
              || key.startsWith("basic.auth.")
              || key.startsWith("bearer.auth.")) {
            registrySettings.put(key, String.valueOf(value));
          }
        });
    registrySettings.remove("schema.registry.url");
    serializer =
        AvroSerdes.valueSerializer(String.valueOf(configs.get(REGISTRY_URL)), registrySettings);
  }

  /** For tests: a serializer and topic without a Streams config. */
  void use(String deadLetterTopic, Serializer<DeadLetter> deadLetterSerializer, Clock at) {
    this.topic = deadLetterTopic;
    this.serializer = deadLetterSerializer;
    this.clock = at;
  }

  /**
   * Records this JVM's handlers dead-lettered: Kafka Streams makes the handler from its class name,
   * so the count cannot live in an instance the service holds.
   */
  private static final AtomicLong DEAD_LETTERED = new AtomicLong();

  static long deadLettered() {
    return DEAD_LETTERED.get();
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    String recordId =
        record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    String reason =
        "cannot read a record of "
            + record.topic()
            + ": "
            + exception.getClass().getSimpleName()
            + ": "
            + exception.getMessage();
    LOG.warn("{}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
    DeadLetter deadLetter =
        DeadLetterRecords.of(
            new DeadLetterRecords.Origin(record.topic(), record.partition(), record.offset()),
            recordId,
            record.key(),
            record.value(),
            STAGE,
            reason,
            clock.instant());
    DEAD_LETTERED.incrementAndGet();
    return Response.resume(
        List.of(
            new ProducerRecord<>(topic, record.key(), serializer.serialize(topic, deadLetter))));
  }
}
