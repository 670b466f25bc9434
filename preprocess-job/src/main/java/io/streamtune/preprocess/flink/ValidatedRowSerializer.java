package io.streamtune.preprocess.flink;

import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.preprocess.core.TabularLayout;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Writes a {@link ValidatedRow} field by field, without the POJO serializer's reflection and null
 * tags or Kryo (which the row's list of bad cells fell back to). The row crosses the one network
 * hop of the tabular job, into the single subtask of the steps, whose thread pays for its
 * deserialization. Rows are immutable (arrays are never written after validation), so {@link #copy}
 * returns the row itself.
 *
 * <p>The serializer of a spec ({@link #typeFor}) reads a category the spec lists as the spec's own
 * string object, found by its bytes ({@link CanonicalStrings}), rather than a new string: the
 * steps' category lookups then match by identity with the hash already computed, and a row
 * allocates no string per category. The bytes on the wire are the same with or without a spec.
 */
public final class ValidatedRowSerializer extends TypeSerializer<ValidatedRow> {

  private static final long serialVersionUID = 2L;

  /** The serializer without a spec: every category is read as a new string. */
  public static final ValidatedRowSerializer INSTANCE = new ValidatedRowSerializer(List.of());

  /** The type information of validated rows without a spec. */
  public static final TypeInformation<ValidatedRow> TYPE = new Info(List.of());

  private static final Split[] SPLITS = Split.values();

  private static final int ABSENT = -1;

  private static final int HIGH_BIT = 0x80;

  /** Per categorical column of the spec (in the rows' order), its categories. */
  private final List<List<String>> categories;

  private final transient CanonicalStrings[] canonical;

  // the bytes of the category being read; one per serializer instance ({@link #duplicate})
  private transient byte[] scratch;

  private ValidatedRowSerializer(List<List<String>> categories) {
    this.categories = categories;
    this.canonical = new CanonicalStrings[categories.size()];
    for (int i = 0; i < canonical.length; i++) {
      canonical[i] = new CanonicalStrings(categories.get(i));
    }
  }

  /**
   * The type information of the rows of a tabular spec: its serializer reads the spec's categories
   * as the spec's own strings.
   */
  public static TypeInformation<ValidatedRow> typeFor(PipelineSpec spec) {
    List<List<String>> categories = new ArrayList<>();
    for (TabularLayout.Column column : TabularLayout.of(spec).categoricalColumns()) {
      categories.add(List.copyOf(column.categories()));
    }
    return new Info(List.copyOf(categories));
  }

  @Override
  public TypeSerializer<ValidatedRow> duplicate() {
    return of(categories);
  }

  /** A serializer of its own (with a spec's categories its read buffer is its own). */
  private static ValidatedRowSerializer of(List<List<String>> categories) {
    return categories.isEmpty() ? INSTANCE : new ValidatedRowSerializer(categories);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ValidatedRowSerializer that && categories.equals(that.categories);
  }

  @Override
  public int hashCode() {
    return categories.hashCode();
  }

  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public ValidatedRow createInstance() {
    return null;
  }

  @Override
  public ValidatedRow copy(ValidatedRow from) {
    return from;
  }

  @Override
  public ValidatedRow copy(ValidatedRow from, ValidatedRow reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(ValidatedRow row, DataOutputView out) throws IOException {
    writeString(row.id(), out);
    out.writeLong(row.eventTimeMillis());
    writeString(row.label(), out);
    out.writeInt(row.labelIndex());
    double[] numbers = row.numericValues();
    out.writeInt(numbers.length);
    for (double number : numbers) {
      out.writeDouble(number);
    }
    String[] texts = row.categoricalValues();
    out.writeInt(texts.length);
    for (String text : texts) {
      writeString(text, out);
    }
    out.writeByte(row.split() == null ? ABSENT : row.split().ordinal());
    // the split key is the id for most specs: written once
    boolean keyIsId = row.splitKey().equals(row.id());
    out.writeBoolean(keyIsId);
    if (!keyIsId) {
      writeString(row.splitKey(), out);
    }
    List<String> badCells = row.badCells();
    out.writeInt(badCells.size());
    for (String column : badCells) {
      writeString(column, out);
    }
    RawEnvelope source = row.source();
    out.writeBoolean(source != null);
    if (source != null) {
      writeString(source.topic, out);
      out.writeInt(source.partition);
      out.writeLong(source.offset);
      writeBytes(source.key, out);
      writeBytes(source.value, out);
    }
  }

  @Override
  public ValidatedRow deserialize(DataInputView in) throws IOException {
    String id = readString(in);
    long eventTime = in.readLong();
    String label = readString(in);
    int labelIndex = in.readInt();
    double[] numbers = new double[in.readInt()];
    for (int i = 0; i < numbers.length; i++) {
      numbers[i] = in.readDouble();
    }
    String[] texts = new String[in.readInt()];
    for (int i = 0; i < texts.length; i++) {
      texts[i] = i < canonical.length ? readCategory(in, canonical[i]) : readString(in);
    }
    byte split = in.readByte();
    String splitKey = in.readBoolean() ? id : readString(in);
    int badCount = in.readInt();
    List<String> badCells = badCount == 0 ? List.of() : new ArrayList<>(badCount);
    for (int i = 0; i < badCount; i++) {
      badCells.add(readString(in));
    }
    RawEnvelope source = null;
    if (in.readBoolean()) {
      source =
          new RawEnvelope(
              readString(in), in.readInt(), in.readLong(), readBytes(in), readBytes(in));
    }
    return new ValidatedRow(
        id,
        eventTime,
        label,
        labelIndex,
        numbers,
        texts,
        split == ABSENT ? null : SPLITS[split],
        source,
        splitKey,
        badCells);
  }

  @Override
  public ValidatedRow deserialize(ValidatedRow reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<ValidatedRow> snapshotConfiguration() {
    return new Snapshot();
  }

  /**
   * Writes {@code text} in {@link StringValue}'s format (a varint of length + 1, 0 for null, then a
   * varint per char): one byte per char for ASCII, written in one call rather than a call per char.
   */
  static void writeString(String text, DataOutputView out) throws IOException {
    if (text == null || !CanonicalStrings.isAscii(text)) {
      StringValue.writeString(text, out);
      return;
    }
    int lengthPlusOne = text.length() + 1;
    while (lengthPlusOne >= HIGH_BIT) {
      out.write(lengthPlusOne & 0x7f | HIGH_BIT);
      lengthPlusOne >>>= 7;
    }
    out.write(lengthPlusOne);
    // not DataOutput.writeBytes: Flink's DataOutputSerializer advances twice there
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * Reads what {@link StringValue#writeString} (or {@link #writeString}) wrote. The string has at
   * least as many bytes as chars, so its first {@code length} bytes are read at once: all ASCII
   * (the common case), they are the string; else the chars are decoded from them and the rest of
   * the stream. {@link StringValue#readString} reads byte by byte into a thread-local buffer, whose
   * lookup alone was a twentieth of the steps' thread at parallelism 2.
   */
  static String readString(DataInputView in) throws IOException {
    int length = readLength(in);
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return decode(bytes, length, in);
  }

  /**
   * Reads a string as {@link #readString} does, returning the spec's own string when it is one of
   * {@code known}.
   */
  private String readCategory(DataInputView in, CanonicalStrings known) throws IOException {
    int length = readLength(in);
    if (length < 0) {
      return null;
    }
    if (scratch == null || scratch.length < length) {
      scratch = new byte[Math.max(length, 64)];
    }
    in.readFully(scratch, 0, length);
    String found = known.find(scratch, length);
    return found != null ? found : decode(scratch, length, in);
  }

  /** The number of chars of the string that follows (-1: null), from its varint. */
  private static int readLength(DataInputView in) throws IOException {
    int length = 0;
    int shift = 0;
    int part;
    while ((part = in.readUnsignedByte()) >= HIGH_BIT) {
      length |= (part & 0x7f) << shift;
      shift += 7;
    }
    length |= part << shift;
    return length - 1;
  }

  /**
   * The string of {@code length} chars whose first {@code length} bytes are {@code bytes}: all
   * ASCII (the common case), they are the string; else the chars are decoded from them and the rest
   * of the stream.
   */
  private static String decode(byte[] bytes, int length, DataInputView in) throws IOException {
    int ascii = 0;
    while (ascii < length && bytes[ascii] >= 0) {
      ascii++;
    }
    if (ascii == length) {
      return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }
    char[] chars = new char[length];
    for (int i = 0; i < ascii; i++) {
      chars[i] = (char) bytes[i];
    }
    // each char is a varint: 7 bits a byte, low first, the high bit set on all but its last byte;
    // the bytes come from those already read, then from the stream
    int at = ascii;
    int i = ascii;
    int c = 0;
    int shift = 0;
    while (i < length) {
      int part = at < length ? bytes[at++] & 0xff : in.readUnsignedByte();
      c |= (part & 0x7f) << shift;
      if (part >= HIGH_BIT) {
        shift += 7;
      } else {
        chars[i++] = (char) c;
        c = 0;
        shift = 0;
      }
    }
    return new String(chars);
  }

  private static void writeBytes(byte[] bytes, DataOutputView out) throws IOException {
    if (bytes == null) {
      out.writeInt(ABSENT);
    } else {
      out.writeInt(bytes.length);
      out.write(bytes);
    }
  }

  private static byte[] readBytes(DataInputView in) throws IOException {
    int length = in.readInt();
    if (length == ABSENT) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return bytes;
  }

  private Object readResolve() {
    // the canonical strings are rebuilt from the categories (interned again) in each JVM
    return of(categories);
  }

  /** Restores the serializer from a checkpoint (unaligned checkpoints store rows in flight). */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<ValidatedRow> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }

  /** Type information whose serializer is {@link ValidatedRowSerializer}. */
  private static final class Info extends TypeInformation<ValidatedRow> {
    private static final long serialVersionUID = 2L;

    private final List<List<String>> categories;

    private Info(List<List<String>> categories) {
      this.categories = categories;
    }

    @Override
    public boolean isBasicType() {
      return false;
    }

    @Override
    public boolean isTupleType() {
      return false;
    }

    @Override
    public int getArity() {
      return 1;
    }

    @Override
    public int getTotalFields() {
      return 1;
    }

    @Override
    public Class<ValidatedRow> getTypeClass() {
      return ValidatedRow.class;
    }

    @Override
    public boolean isKeyType() {
      return false;
    }

    @Override
    public TypeSerializer<ValidatedRow> createSerializer(SerializerConfig config) {
      return ValidatedRowSerializer.of(categories);
    }

    @Override
    public String toString() {
      return "ValidatedRow(hand-written serializer)";
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Info that && categories.equals(that.categories);
    }

    @Override
    public int hashCode() {
      return categories.hashCode();
    }

    @Override
    public boolean canEqual(Object other) {
      return other instanceof Info;
    }
  }
}
