package io.streamtune.embedded.registry;

import java.util.Objects;

/**
 * A change to the registry's state. The registry is the fold of its events, so replaying the stored
 * events rebuilds exactly the ids, versions and configs a previous instance served.
 */
public sealed interface RegistryEvent {

  /** Version {@code version} of {@code subject} is the schema with global id {@code id}. */
  record SchemaRegistered(String subject, int version, int id, String schema)
      implements RegistryEvent {
    public SchemaRegistered {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(schema, "schema");
      if (version < 1 || id < 1) {
        throw new IllegalArgumentException(
            "version and id start at 1, got version " + version + ", id " + id);
      }
    }
  }

  /** The compatibility level of {@code subject}, or the global one when subject is null. */
  record CompatibilitySet(String subject, CompatibilityLevel level) implements RegistryEvent {
    public CompatibilitySet {
      Objects.requireNonNull(level, "level");
    }
  }
}
