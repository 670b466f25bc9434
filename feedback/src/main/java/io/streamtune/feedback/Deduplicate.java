package io.streamtune.feedback;

import java.time.Duration;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Lets the first join result of an id through and drops the later ones within {@code horizon}: a
 * label sent twice joins its request twice, and the first one wins. The store of ids seen is a
 * window store, so it forgets them once no join can repeat them.
 */
final class Deduplicate<V> implements FixedKeyProcessor<String, V, V> {

  private final String storeName;
  private final Duration horizon;
  private final Function<FixedKeyRecord<String, V>, String> id;
  private FixedKeyProcessorContext<String, V> context;
  private WindowStore<String, Long> seen;

  Deduplicate(String storeName, Duration horizon, Function<FixedKeyRecord<String, V>, String> id) {
    this.storeName = storeName;
    this.horizon = horizon;
    this.id = id;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, V> context) {
    this.context = context;
    this.seen = context.getStateStore(storeName);
  }

  @Override
  public void process(FixedKeyRecord<String, V> record) {
    String key = id.apply(record);
    long ts = record.timestamp();
    try (WindowStoreIterator<Long> earlier =
        seen.fetch(key, ts - horizon.toMillis(), ts + horizon.toMillis())) {
      if (earlier.hasNext()) {
        return;
      }
    }
    seen.put(key, ts, ts);
    context.forward(record);
  }
}
