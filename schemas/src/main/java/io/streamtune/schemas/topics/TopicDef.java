package io.streamtune.schemas.topics;

/**
 * One logical topic: its name relative to the deployment's prefix, and the Java types of its key
 * and value. A value type of {@code byte[]} means the topic carries opaque bytes.
 */
public record TopicDef<K, V>(
    String suffix, Class<K> keyType, Class<V> valueType, String keyMeaning) {}
