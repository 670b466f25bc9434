package io.streamtune.schemas.serde;

import org.apache.avro.Schema;

/**
 * A deserializer that can say which schema a Confluent-framed message was written with, so a reader
 * that decodes the Avro binary itself can check the layout first.
 */
public interface WriterSchemas {

  /**
   * The writer schema of {@code data} (magic byte, schema id, Avro binary), or {@code null} when
   * the bytes are not Confluent-framed, the id is not one of this deserializer's record type, or
   * the registry cannot be asked now.
   */
  Schema writerSchemaOf(byte[] data);
}
