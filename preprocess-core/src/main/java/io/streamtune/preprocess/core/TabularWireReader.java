package io.streamtune.preprocess.core;

import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TabularPayload;
import io.streamtune.schemas.deadletter.DeadLetterRecords;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpec.SplitSpec;
import io.streamtune.spec.PreprocessSpec.UnknownColumnPolicy;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The common case of decoding and validating a tabular record, read straight from its Avro binary:
 * a record written with this build's RawRecord schema whose label is one of the classes, whose
 * numeric cells are finite numbers (double or long) or null, whose categorical cells are spec
 * categories spelled exactly or null, with no unknown column (under {@code unknownColumns: reject})
 * and no malformed mark. It gives the same {@link ValidatedRow} as {@link RawDecoding} then {@link
 * RecordValidator#validate}, without the map of boxed cells, the key strings and their hashes.
 * Everything else — another writer schema, a string that needs parsing or trimming, an unseen
 * category, any problem — it declines ({@code null}), and the caller takes the general path, whose
 * results and reasons are the reference.
 */
public final class TabularWireReader {

  private static final int HEADER_BYTES = 5;
  private static final VarHandle LITTLE_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  // the branches of TabularPayload's value union, in the order this reader knows
  private static final List<Schema.Type> CELL_TYPES =
      List.of(
          Schema.Type.NULL,
          Schema.Type.DOUBLE,
          Schema.Type.LONG,
          Schema.Type.BOOLEAN,
          Schema.Type.STRING);
  private static final int NULL = 0;
  private static final int DOUBLE = 1;
  private static final int LONG = 2;
  private static final int BOOLEAN = 3;
  private static final int STRING = 4;

  /** Whether this build's schemas have the layout the reader decodes; otherwise it declines all. */
  static final boolean LAYOUT_KNOWN = layoutKnown();

  private static final int TABULAR_BRANCH =
      RawRecord.getClassSchema()
          .getField("payload")
          .schema()
          .getIndexNamed(TabularPayload.getClassSchema().getFullName());

  private final List<String> classNames;
  private final Utf8Keys classes;

  /** Map keys: the numeric columns, then the categorical ones, then the label column. */
  private final Utf8Keys columns;

  private final int numericCount;
  private final int categoricalCount;
  private final Utf8Keys[] categories;

  /** Per categorical column: the spec's strings, what a validated row holds. */
  private final String[][] categoryStrings;

  private final boolean rejectUnknownColumns;
  private final boolean contentSplitKey;
  private final boolean enabled;
  private final byte[] malformedAttribute =
      DeadLetterRecords.MALFORMED_ATTRIBUTE.getBytes(StandardCharsets.UTF_8);

  // the last writer schema asked about, and whether it is this build's RawRecord schema
  private Schema lastWriterSchema;
  private boolean lastWriterSchemaKnown;

  /** The column found at each map entry of the last record (-1: none), tried first. */
  private final int[] keyAtEntry = new int[64];

  // the record being read
  private byte[] buffer;
  private int position;

  /**
   * For training and holdout records (the label is required), as {@code new RecordValidator(spec)}.
   */
  public TabularWireReader(PipelineSpec spec) {
    TabularLayout layout = TabularLayout.of(spec);
    this.classNames = spec.label().classes();
    this.classes = new Utf8Keys(classNames);
    this.numericCount = layout.numericCount();
    this.categoricalCount = layout.categoricalCount();
    List<String> keys = new ArrayList<>();
    layout.numericColumns().forEach(column -> keys.add(column.name()));
    layout.categoricalColumns().forEach(column -> keys.add(column.name()));
    keys.add(spec.label().column());
    this.columns = new Utf8Keys(keys);
    this.categories = new Utf8Keys[categoricalCount];
    this.categoryStrings = new String[categoricalCount][];
    for (TabularLayout.Column column : layout.categoricalColumns()) {
      categoryStrings[column.index()] = column.categories().toArray(String[]::new);
      // a category with surrounding blanks never equals a trimmed cell: such cells take the
      // general path
      categories[column.index()] =
          new Utf8Keys(
              column.categories().stream().map(c -> c.equals(c.trim()) ? c : null).toList());
    }
    Arrays.fill(keyAtEntry, -1);
    this.rejectUnknownColumns = spec.preprocess().unknownColumns() == UnknownColumnPolicy.REJECT;
    this.contentSplitKey = spec.split().keyKind() == SplitSpec.KeyKind.CONTENT;
    // a group column's value is the split key: rare, and the general path spells it
    this.enabled = LAYOUT_KNOWN && spec.split().keyKind() != SplitSpec.KeyKind.COLUMN;
  }

  /**
   * The validated row of a Confluent-framed RawRecord written with {@code writerSchema}, or {@code
   * null} when the general path must decide.
   */
  public ValidatedRow read(byte[] data, Schema writerSchema) {
    if (!enabled || data == null || data.length <= HEADER_BYTES || writerSchema == null) {
      return null;
    }
    if (writerSchema != lastWriterSchema) {
      // a deep comparison, once per schema the deserializer hands out
      lastWriterSchemaKnown = RawRecord.getClassSchema().equals(writerSchema);
      lastWriterSchema = writerSchema;
    }
    if (!lastWriterSchemaKnown) {
      return null;
    }
    buffer = data;
    position = HEADER_BYTES;
    try {
      return readRecord();
    } catch (RuntimeException malformed) {
      // out of bounds, a bad length or varint: the general path names the problem
      return null;
    } finally {
      buffer = null;
    }
  }

  private ValidatedRow readRecord() {
    String id = readString();
    if (id.isBlank()) {
      return null;
    }
    long eventTime = readLong();
    skipBytes(); // source
    if (readLong() != 1) {
      return null; // no label in the record's label field
    }
    int labelIndex = findString(classes);
    if (labelIndex < 0 || readLong() != TABULAR_BRANCH) {
      return null;
    }
    double[] numerics = new double[numericCount];
    Arrays.fill(numerics, Double.NaN);
    String[] categoricals = new String[categoricalCount];
    int entry = 0;
    for (long count = readBlockCount(); count != 0; count = readBlockCount()) {
      for (long i = 0; i < count; i++, entry++) {
        if (!readCell(numerics, categoricals, entry)) {
          return null;
        }
      }
    }
    for (long count = readBlockCount(); count != 0; count = readBlockCount()) {
      for (long attribute = 0; attribute < count; attribute++) {
        int length = readLength();
        if (length == malformedAttribute.length
            && Arrays.equals(malformedAttribute, 0, length, buffer, position, position + length)) {
          return null;
        }
        position += length;
        skipBytes();
      }
    }
    if (position != buffer.length) {
      return null;
    }
    String label = classNames.get(labelIndex);
    String splitKey =
        contentSplitKey ? RecordValidator.contentSplitKey(numerics, categoricals) : null;
    return new ValidatedRow(
        id, eventTime, label, labelIndex, numerics, categoricals, null, null, splitKey, null);
  }

  /** The map's {@code entry}-th cell; false when the general path must read the record. */
  private boolean readCell(double[] numerics, String[] categoricals, int entry) {
    int length = readLength();
    int key;
    if (entry < keyAtEntry.length) {
      key = columns.find(buffer, position, length, keyAtEntry[entry]);
      keyAtEntry[entry] = key;
    } else {
      key = columns.find(buffer, position, length);
    }
    position += length;
    int branch = (int) readLong();
    if (key < 0 || key >= numericCount + categoricalCount) {
      if (key < 0 && rejectUnknownColumns) {
        return false;
      }
      skipCell(branch);
      return true;
    }
    if (key < numericCount) {
      double x;
      if (branch == NULL) {
        x = Double.NaN;
      } else if (branch == DOUBLE) {
        x = readDouble();
        if (!Double.isFinite(x)) {
          return false;
        }
      } else if (branch == LONG) {
        x = readLong();
      } else {
        return false;
      }
      numerics[key] = x;
      return true;
    }
    int categorical = key - numericCount;
    if (branch == NULL) {
      categoricals[categorical] = null;
      return true;
    }
    if (branch != STRING) {
      return false;
    }
    int known = findString(categories[categorical]);
    if (known < 0) {
      return false;
    }
    categoricals[categorical] = categoryStrings[categorical][known];
    return true;
  }

  private void skipCell(int branch) {
    switch (branch) {
      case NULL -> {}
      case DOUBLE -> position += Double.BYTES;
      case LONG -> readLong();
      case BOOLEAN -> position++;
      case STRING -> skipBytes();
      default -> throw new IllegalArgumentException("union branch " + branch);
    }
  }

  private double readDouble() {
    long bits = (long) LITTLE_ENDIAN_LONG.get(buffer, position);
    position += Double.BYTES;
    return Double.longBitsToDouble(bits);
  }

  /** The position of the next string among {@code keys}, or -1; the string is consumed. */
  private int findString(Utf8Keys keys) {
    int length = readLength();
    int found = keys.find(buffer, position, length);
    position += length;
    return found;
  }

  private String readString() {
    int length = readLength();
    String text = new String(buffer, position, length, StandardCharsets.UTF_8);
    position += length;
    return text;
  }

  private void skipBytes() {
    int length = readLength(); // before the +=, which would read the position first
    position += length;
  }

  private int readLength() {
    long length = readLong();
    if (length < 0 || length > buffer.length - position) {
      throw new IllegalArgumentException("length " + length);
    }
    return (int) length;
  }

  /** Avro's map blocks: a count, negative when the block's size in bytes follows. */
  private long readBlockCount() {
    long count = readLong();
    if (count < 0) {
      count = -count;
      readLong();
    }
    return count;
  }

  /** Avro's zig-zag varint. */
  private long readLong() {
    long raw = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = buffer[position++];
      raw |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new IllegalArgumentException("varint longer than 10 bytes");
  }

  private static boolean layoutKnown() {
    Schema values = TabularPayload.getClassSchema().getField("values").schema();
    if (values.getType() != Schema.Type.MAP
        || values.getValueType().getType() != Schema.Type.UNION) {
      return false;
    }
    List<Schema.Type> branches =
        values.getValueType().getTypes().stream().map(Schema::getType).toList();
    Schema record = RawRecord.getClassSchema();
    List<String> names = record.getFields().stream().map(Schema.Field::name).toList();
    List<Schema.Type> label =
        record.getField("label").schema().getTypes().stream().map(Schema::getType).toList();
    return branches.equals(CELL_TYPES)
        && names.equals(List.of("id", "eventTime", "source", "label", "payload", "attributes"))
        && label.equals(List.of(Schema.Type.NULL, Schema.Type.STRING));
  }
}
