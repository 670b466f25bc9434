package io.streamtune.embedded.registry;

import java.util.ArrayList;
import java.util.List;

/** Where the registry keeps its events. {@link #append} returns only once the event is durable. */
public interface RegistryStorage {

  /** Every stored event, in the order they were appended. */
  List<RegistryEvent> load();

  /**
   * Stores one event durably before returning.
   *
   * @throws RuntimeException when it could not be stored; the registry then leaves its state as it
   *     was
   */
  void append(RegistryEvent event);

  /** A storage that lives as long as the object; for tests and throw-away registries. */
  static InMemory inMemory() {
    return new InMemory();
  }

  /** Keeps events in a list. Thread-safe. */
  final class InMemory implements RegistryStorage {
    private final List<RegistryEvent> events = new ArrayList<>();

    @Override
    public synchronized List<RegistryEvent> load() {
      return List.copyOf(events);
    }

    @Override
    public synchronized void append(RegistryEvent event) {
      events.add(event);
    }
  }
}
