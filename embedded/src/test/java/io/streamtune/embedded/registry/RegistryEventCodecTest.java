package io.streamtune.embedded.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.embedded.registry.RegistryEvent.CompatibilitySet;
import io.streamtune.embedded.registry.RegistryEvent.SchemaRegistered;
import org.junit.jupiter.api.Test;

class RegistryEventCodecTest {

  @Test
  void eventsRoundTrip() {
    RegistryEvent schema = new SchemaRegistered("raw-value", 3, 7, "\"string\"");
    RegistryEvent subjectConfig = new CompatibilitySet("raw-value", CompatibilityLevel.FULL);
    RegistryEvent globalConfig = new CompatibilitySet(null, CompatibilityLevel.NONE);

    for (RegistryEvent event : new RegistryEvent[] {schema, subjectConfig, globalConfig}) {
      assertThat(
              RegistryEventCodec.decode(
                  RegistryEventCodec.key(event), RegistryEventCodec.value(event)))
          .contains(event);
    }
  }

  @Test
  void keysIdentifyTheFactSoCompactionKeepsTheLatestValue() {
    assertThat(RegistryEventCodec.key(new CompatibilitySet("s", CompatibilityLevel.FULL)))
        .isEqualTo(RegistryEventCodec.key(new CompatibilitySet("s", CompatibilityLevel.NONE)))
        .isNotEqualTo(RegistryEventCodec.key(new CompatibilitySet(null, CompatibilityLevel.NONE)));
    assertThat(RegistryEventCodec.key(new SchemaRegistered("s", 1, 1, "\"int\"")))
        .isNotEqualTo(RegistryEventCodec.key(new SchemaRegistered("s", 2, 1, "\"int\"")));
  }

  @Test
  void readsConfluentRecordsAndSkipsWhatItDoesNotActOn() {
    String confluentKey =
        "{\"keytype\":\"SCHEMA\",\"subject\":\"t-value\",\"version\":1,\"magic\":1}";
    String confluentValue =
        "{\"subject\":\"t-value\",\"version\":1,\"id\":5,\"schemaType\":null,\"schema\":\"\\\"long\\\"\",\"deleted\":false}";

    assertThat(RegistryEventCodec.decode(confluentKey, confluentValue))
        .contains(new SchemaRegistered("t-value", 1, 5, "\"long\""));
    assertThat(RegistryEventCodec.decode("{\"keytype\":\"NOOP\",\"magic\":0}", "{}")).isEmpty();
    assertThat(RegistryEventCodec.decode(confluentKey, null)).isEmpty();
    assertThat(
            RegistryEventCodec.decode(
                confluentKey, confluentValue.replace("\"deleted\":false", "\"deleted\":true")))
        .isEmpty();
    assertThatThrownBy(() -> RegistryEventCodec.decode(confluentKey, "{\"subject\":\"t-value\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version");
  }
}
