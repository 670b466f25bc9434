package io.streamtune.schemas.topics;

import java.util.Map;

/**
 * One logical topic: its name relative to the deployment's prefix, the Java types of its key and
 * value, and the topic-level configs it is created with (e.g. compaction). A value type of {@code
 * byte[]} means the topic carries opaque bytes.
 */
public record TopicDef<K, V>(
    String suffix,
    Class<K> keyType,
    Class<V> valueType,
    String keyMeaning,
    Map<String, String> configs) {

  public TopicDef {
    configs = Map.copyOf(configs);
  }

  public TopicDef(String suffix, Class<K> keyType, Class<V> valueType, String keyMeaning) {
    this(suffix, keyType, valueType, keyMeaning, Map.of());
  }
}
