package io.streamtune.schemas.serde;

import io.confluent.kafka.schemaregistry.ParsedSchema;
import io.confluent.kafka.schemaregistry.avro.AvroSchema;
import io.confluent.kafka.serializers.KafkaAvroDeserializer;
import io.confluent.kafka.serializers.KafkaAvroSerializer;
import io.streamtune.schemas.avro.Example;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Confluent serializer and deserializer with the per-record bookkeeping taken out of the hot
 * path: same wire format, same registry calls, same errors.
 *
 * <p>Why: per record, Confluent's serializer looks its schema up in the client's cache, whose key
 * hashes the whole schema every time, and its deserializer builds a context and resolves reader
 * schemas. In the preprocess job that was the largest cost after the data preparation itself. Here
 * the Confluent classes still do what needs the registry — the first record of each topic and
 * record type is serialized by {@link KafkaAvroSerializer} (which registers or looks up the schema
 * by its subject strategy) and the schema id is read back from its output; a writer schema id never
 * seen before is fetched through the deserializer's registry client — and every further record is
 * written or read with a cached Avro datum writer/reader. Anything unusual (not the Confluent magic
 * byte, a record of another type, undecodable bytes) goes through the Confluent deserializer, so
 * its error messages are unchanged.
 *
 * <p>Not thread-safe, like the Confluent classes: one instance per Kafka client or Flink subtask.
 */
final class CachedAvroSerdes {

  private static final byte MAGIC_BYTE = 0;
  private static final int HEADER_BYTES = 5;

  private CachedAvroSerdes() {}

  /** Writes with a datum writer per record type once the schema id of (topic, type) is known. */
  static final class CachedSerializer<T extends SpecificRecord> implements Serializer<T> {

    private record Target(String topic, Schema schema) {}

    private final KafkaAvroSerializer confluent;
    private final Map<Target, Integer> schemaIds = new HashMap<>();
    private final Map<Schema, DatumWriter<T>> writers = new HashMap<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private BinaryEncoder encoder;
    // the last (topic, schema) and its id and writer: a sink writes one type to one or two topics,
    // so most records skip the maps (and the key they would allocate)
    private String lastTopic;
    private Schema lastSchema;
    private int lastId;
    private DatumWriter<T> lastWriter;

    CachedSerializer(KafkaAvroSerializer confluent) {
      this.confluent = confluent;
    }

    @Override
    public byte[] serialize(String topic, T record) {
      if (record == null) {
        return null;
      }
      Schema schema = record.getSchema();
      int id;
      DatumWriter<T> writer;
      if (topic == lastTopic && schema == lastSchema) {
        id = lastId;
        writer = lastWriter;
      } else {
        Integer known = schemaIds.get(new Target(topic, schema));
        if (known == null) {
          byte[] first = confluent.serialize(topic, record);
          schemaIds.put(new Target(topic, schema), ByteBuffer.wrap(first, 1, 4).getInt());
          return first;
        }
        id = known;
        writer = writers.computeIfAbsent(schema, CachedSerializer::writerFor);
        lastTopic = topic;
        lastSchema = schema;
        lastId = id;
        lastWriter = writer;
      }
      try {
        return write(id, record, writer);
      } catch (IOException | RuntimeException e) {
        if (!(writer instanceof SpecificDatumWriter)) {
          // a record the hand-written writer cannot take (a null in a non-null field): the
          // generic writer fails it with its own message, or writes it
          return serializeGenerically(id, record, schema);
        }
        throw new SerializationException("cannot serialize " + schema.getFullName(), e);
      }
    }

    private byte[] serializeGenerically(int id, T record, Schema schema) {
      try {
        return write(id, record, new SpecificDatumWriter<>(schema));
      } catch (IOException | RuntimeException e) {
        throw new SerializationException("cannot serialize " + schema.getFullName(), e);
      }
    }

    private byte[] write(int id, T record, DatumWriter<T> writer) throws IOException {
      buffer.reset();
      buffer.write(MAGIC_BYTE);
      buffer.write(id >>> 24);
      buffer.write(id >>> 16);
      buffer.write(id >>> 8);
      buffer.write(id);
      // buffered: the stream gets one write per record, not one (synchronized) per field; kept
      // from record to record (each ends flushed, and the stream is always this buffer), as
      // reconfiguring it wraps the stream in a new channel every time
      if (encoder == null) {
        encoder = EncoderFactory.get().binaryEncoder(buffer, null);
      }
      try {
        writer.write(record, encoder);
        encoder.flush();
      } catch (IOException | RuntimeException e) {
        // the buffered encoder still holds part of this record: the next one gets a fresh one
        encoder = null;
        throw e;
      }
      return buffer.toByteArray();
    }

    /** The hand-written writer of a record type that has one, the generic writer otherwise. */
    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> DatumWriter<T> writerFor(Schema schema) {
      return schema == Example.getClassSchema()
          ? (DatumWriter<T>) new ExampleWriter()
          : new SpecificDatumWriter<>(schema);
    }

    @Override
    public void close() {
      confluent.close();
    }
  }

  /** Reads with a datum reader per writer schema id; the Confluent path for everything else. */
  static final class CachedDeserializer<T extends SpecificRecord>
      implements Deserializer<T>, WriterSchemas {

    /** The Confluent deserializer, opened up for its registry client. */
    static final class Confluent extends KafkaAvroDeserializer {
      ParsedSchema schemaById(int id) {
        try {
          return schemaRegistry.getSchemaById(id);
        } catch (Exception e) {
          // not silent: the caller then hands the bytes to Confluent's deserializer, which fails
          // the same lookup with its own error (or an infrastructure error the intake rethrows)
          return null;
        }
      }
    }

    private final Confluent confluent;
    private final Deserializer<T> confluentTyped;
    private final Class<T> type;
    private final Schema readerSchema;
    private final Map<Integer, SpecificDatumReader<T>> readers = new HashMap<>();
    private BinaryDecoder decoder;

    CachedDeserializer(Confluent confluent, Deserializer<T> confluentTyped, Class<T> type) {
      this.confluent = confluent;
      this.confluentTyped = confluentTyped;
      this.type = type;
      this.readerSchema = SpecificData.get().getSchema(type);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
      SpecificDatumReader<T> reader = cachedReader(data);
      if (reader == null) {
        return confluentTyped.deserialize(topic, data);
      }
      try {
        decoder =
            DecoderFactory.get()
                .binaryDecoder(data, HEADER_BYTES, data.length - HEADER_BYTES, decoder);
        return reader.read(null, decoder);
      } catch (IOException | RuntimeException e) {
        // let Confluent report it the way it always has
        return confluentTyped.deserialize(topic, data);
      }
    }

    @Override
    public Schema writerSchemaOf(byte[] data) {
      SpecificDatumReader<T> reader = cachedReader(data);
      return reader == null ? null : reader.getSchema();
    }

    /** The reader of the message's schema id, or null when the bytes or the id are not ours. */
    private SpecificDatumReader<T> cachedReader(byte[] data) {
      if (data == null || data.length < HEADER_BYTES || data[0] != MAGIC_BYTE) {
        return null;
      }
      int id = ByteBuffer.wrap(data, 1, 4).getInt();
      SpecificDatumReader<T> reader = readers.get(id);
      if (reader == null) {
        reader = readerFor(id);
        if (reader != null) {
          readers.put(id, reader);
        }
      }
      return reader;
    }

    /** A reader for a writer schema of this type, or null when the id is not one. */
    private SpecificDatumReader<T> readerFor(int id) {
      ParsedSchema parsed = confluent.schemaById(id);
      if (!(parsed instanceof AvroSchema avro)
          || !readerSchema.getFullName().equals(avro.rawSchema().getFullName())) {
        return null;
      }
      SpecificDatumReader<T> reader =
          new SpecificDatumReader<>(avro.rawSchema(), readerSchema, SpecificData.get());
      return type.isAssignableFrom(SpecificData.get().getClass(readerSchema)) ? reader : null;
    }

    @Override
    public void close() {
      confluentTyped.close();
    }
  }
}
