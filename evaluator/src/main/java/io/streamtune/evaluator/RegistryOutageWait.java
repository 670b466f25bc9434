package io.streamtune.evaluator;

import io.streamtune.schemas.serde.RegistryOutages;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registry outage is not the record's fault: the consumer goes back to the record and the loop
 * polls it again a second later, instead of dead-lettering it. Shared by the holdout and the models
 * consumer, so one counter tells how often the evaluator waited.
 */
final class RegistryOutageWait {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryOutageWait.class);

  private final AtomicLong waits = new AtomicLong();

  /**
   * @return true when {@code e} was an outage and {@code consumer} is back at the record; false
   *     when the record itself does not decode
   */
  boolean waited(Consumer<?, ?> consumer, RecordDeserializationException e) {
    if (!RegistryOutages.isOutage(e)) {
      return false;
    }
    LOG.warn(
        "schema registry unavailable while decoding {}@{} ({}); retrying in 1 s",
        e.topicPartition(),
        e.offset(),
        e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
    consumer.seek(e.topicPartition(), e.offset());
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    waits.incrementAndGet();
    return true;
  }

  long count() {
    return waits.get();
  }
}
