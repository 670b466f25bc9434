package io.streamtune.preprocess.corpus;

import io.streamtune.ingest.IdxImageReader;
import io.streamtune.preprocess.media.MediaSpecs;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TabularPayload;
import io.streamtune.schemas.avro.TextPayload;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A seeded, deterministic corpus of bad inputs mixed with good ones, for the three modalities (the
 * credit, fashion-mnist and spam pipelines). Every item carries its expected fate: dead-lettered at
 * a stage, or processed. Two routes: {@link #raw} items are bytes for the raw topic (garbage,
 * truncated Avro, unknown schema ids and records of another type as well as well-formed RawRecords
 * with bad content); {@link #writeFiles} writes bad files for the ingest readers.
 */
public final class BadInputCorpus {

  public enum Modality {
    TABULAR,
    IMAGE,
    TEXT
  }

  /**
   * One input and what must become of it.
   *
   * @param key the Kafka key (= record id); for an input an ingest reader rejects, the dead
   *     letter's key (its location)
   * @param value the bytes for the raw topic (null for file items)
   * @param stage the dead-letter stage expected, or null for a good record
   */
  public record Item(String key, String kind, String stage, byte[] value) {
    public boolean bad() {
      return stage != null;
    }
  }

  static final String DESERIALIZE = "deserialize";
  static final String VALIDATE = "validate";
  static final String INGEST = "ingest";

  /** Same length as {@link #INVALID_UTF8}: replaced in the serialized bytes, lengths unchanged. */
  private static final String UTF8_MARKER = "@@UTF8@@";

  private static final byte[] INVALID_UTF8 = {
    (byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xA0, (byte) 0xA1, (byte) 0xF0, 0x28
  };

  static final List<String> RAW_BYTE_KINDS =
      List.of("garbage", "empty-value", "truncated-avro", "unknown-schema-id", "wrong-record-type");

  static final List<String> TABULAR_KINDS =
      List.of(
          "nan",
          "plus-inf",
          "minus-inf",
          "huge-cell-600KB",
          "control-chars",
          "invalid-utf8",
          "wrong-type",
          "unknown-column",
          "unknown-label",
          "missing-label",
          "wrong-payload",
          "out-of-range");

  static final List<String> IMAGE_KINDS =
      List.of(
          "raw-wrong-shape",
          "raw-wrong-length",
          "png-truncated",
          "png-corrupt",
          "png-oversized",
          "png-bomb",
          "jpeg-truncated",
          "jpeg-corrupt-header",
          "jpeg-oversized",
          "unknown-label",
          "missing-label",
          "wrong-payload",
          "invalid-utf8-label",
          "control-char-label");

  static final List<String> TEXT_KINDS =
      List.of(
          "empty-text",
          "whitespace-text",
          "headers-only-email",
          "unknown-label",
          "missing-label",
          "wrong-payload",
          "invalid-utf8-label",
          "control-char-label");

  static final List<String> CREDIT_NUMERIC =
      List.of(
          "Seniority", "Time", "Age", "Expenses", "Income", "Assets", "Debt", "Amount", "Price");

  /** Sorted (a TreeMap): Map.of iterates in an order that changes from run to run. */
  static final Map<String, List<String>> CREDIT_CATEGORICAL =
      new java.util.TreeMap<>(
          Map.of(
              "Home", List.of("owner", "rent", "parents", "other", "priv", "ignore"),
              "Marital", List.of("married", "single", "separated", "widow", "divorced"),
              "Records", List.of("no", "yes"),
              "Job", List.of("fixed", "freelance", "partime", "others")));

  static final List<String> FASHION = IdxImageReader.FASHION_MNIST_CLASSES;
  private static final String[] WORDS = {
    "meeting",
    "report",
    "offer",
    "free",
    "prize",
    "team",
    "review",
    "draft",
    "cash",
    "click",
    "thursday",
    "quarterly",
    "reply",
    "bank",
    "details",
    "watch",
    "cheap",
    "project",
    "lunch",
    "schedule"
  };

  private final Random random;
  private final Serializer<SpecificRecord> serializer;
  private final byte[] bomb;

  /**
   * @param serializer the project's Confluent Avro serializer (registers schemas by topic)
   * @param bomb the bytes of a PNG that declares 40000x40000 pixels
   */
  public BadInputCorpus(long seed, Serializer<SpecificRecord> serializer, byte[] bomb) {
    this.random = new Random(seed);
    this.serializer = serializer;
    this.bomb = bomb;
  }

  /** {@code bad} bad and {@code good} good items for the raw topic, shuffled deterministically. */
  public List<Item> raw(Modality modality, String rawTopic, int bad, int good) {
    List<String> contentKinds =
        switch (modality) {
          case TABULAR -> TABULAR_KINDS;
          case IMAGE -> IMAGE_KINDS;
          case TEXT -> TEXT_KINDS;
        };
    List<String> kinds = new ArrayList<>(RAW_BYTE_KINDS);
    kinds.addAll(contentKinds);
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < good; i++) {
      String id = "good-" + i;
      items.add(new Item(id, "good", null, serialize(rawTopic, goodRecord(modality, id, i))));
    }
    for (int i = 0; i < bad; i++) {
      String kind = kinds.get(i % kinds.size());
      String id = "bad-" + kind + "-" + i;
      if (RAW_BYTE_KINDS.contains(kind)) {
        items.add(new Item(id, kind, DESERIALIZE, rawBytes(modality, rawTopic, kind, id, i)));
      } else {
        items.add(new Item(id, kind, VALIDATE, badContent(modality, rawTopic, kind, id, i)));
      }
    }
    java.util.Collections.shuffle(items, random);
    return items;
  }

  // ---- raw bytes that are not a RawRecord

  private byte[] rawBytes(Modality modality, String rawTopic, String kind, String id, int i) {
    switch (kind) {
      case "garbage":
        {
          byte[] bytes = new byte[1 + random.nextInt(2_000)];
          random.nextBytes(bytes);
          bytes[0] = (byte) (1 + random.nextInt(255)); // not the magic byte
          return bytes;
        }
      case "empty-value":
        return new byte[0];
      case "truncated-avro":
        {
          byte[] whole = serialize(rawTopic, goodRecord(modality, id, i));
          return Arrays.copyOf(whole, 5 + random.nextInt(whole.length - 5));
        }
      case "unknown-schema-id":
        {
          byte[] bytes = new byte[5 + random.nextInt(200)];
          random.nextBytes(bytes);
          ByteBuffer.wrap(bytes).put((byte) 0).putInt(1_000_000 + i);
          return bytes;
        }
      case "wrong-record-type":
        {
          // a record of another Avro schema, registered under another subject
          DeadLetter other =
              DeadLetter.newBuilder()
                  .setRecordId(id)
                  .setTopic("elsewhere")
                  .setPartition(0)
                  .setOffset(i)
                  .setOriginalKey(null)
                  .setOriginalValue(null)
                  .setOriginalSize(null)
                  .setStage("other")
                  .setReason("not a raw record")
                  .setFailedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                  .build();
          return serializer.serialize("corpus-alien", other);
        }
      default:
        throw new IllegalArgumentException(kind);
    }
  }

  // ---- well-formed RawRecords with bad content

  private byte[] badContent(Modality modality, String rawTopic, String kind, String id, int i) {
    return switch (modality) {
      case TABULAR -> badTabular(rawTopic, kind, id, i);
      case IMAGE -> badImage(rawTopic, kind, id, i);
      case TEXT -> badText(rawTopic, kind, id, i);
    };
  }

  private byte[] badTabular(String rawTopic, String kind, String id, int i) {
    Map<String, Object> row = goodRow();
    String label = random.nextBoolean() ? "good" : "bad";
    Object payload = null;
    switch (kind) {
      case "nan" -> row.put(pick(CREDIT_NUMERIC), Double.NaN);
      case "plus-inf" -> row.put(pick(CREDIT_NUMERIC), Double.POSITIVE_INFINITY);
      case "minus-inf" -> row.put(pick(CREDIT_NUMERIC), Double.NEGATIVE_INFINITY);
      case "huge-cell-600KB" -> row.put(pick(CREDIT_NUMERIC), "7".repeat(600_000));
      case "control-chars" -> row.put(pick(CREDIT_NUMERIC), "4\u0000\u0007" + i + "\u001b[2J");
      case "invalid-utf8" -> row.put(pick(CREDIT_NUMERIC), UTF8_MARKER);
      case "wrong-type" -> row.put(pick(CREDIT_NUMERIC), random.nextBoolean());
      case "unknown-column" -> row.put("Colour" + (i % 3), "red");
      case "unknown-label" -> label = "maybe";
      case "missing-label" -> label = null;
      case "wrong-payload" -> payload = TextPayload.newBuilder().setText("not a row").build();
      case "out-of-range" -> row.put(pick(CREDIT_NUMERIC), "1e" + (400 + random.nextInt(500)));
      default -> throw new IllegalArgumentException(kind);
    }
    if (payload == null) {
      payload = TabularPayload.newBuilder().setValues(row).build();
    }
    return withInvalidUtf8(serialize(rawTopic, MediaSpecs.raw(id, label, payload)));
  }

  private byte[] badImage(String rawTopic, String kind, String id, int i) {
    String label = pick(FASHION);
    Object payload;
    switch (kind) {
      case "raw-wrong-shape" -> {
        int w = 28 + (random.nextBoolean() ? -1 : 1) * (1 + random.nextInt(20));
        payload = MediaSpecs.rawImage(w, 28, 1, pixels(w * 28));
      }
      case "raw-wrong-length" ->
          payload = MediaSpecs.rawImage(28, 28, 1, pixels(random.nextInt(784)));
      case "png-truncated" -> {
        byte[] png = encode("png", 28, 28);
        // past the IHDR header (33 bytes), before the IEND chunk
        int cut = 34 + random.nextInt(Math.max(1, png.length - 34 - 16));
        payload = MediaSpecs.encoded(ImageEncoding.PNG, Arrays.copyOf(png, cut));
      }
      case "png-corrupt" -> {
        byte[] bytes = new byte[100 + random.nextInt(400)];
        random.nextBytes(bytes);
        System.arraycopy(
            new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, bytes, 0, 8);
        payload = MediaSpecs.encoded(ImageEncoding.PNG, bytes);
      }
      case "png-oversized" ->
          payload = MediaSpecs.encoded(ImageEncoding.PNG, encode("png", 56, 56 + i % 7));
      case "png-bomb" -> payload = MediaSpecs.encoded(ImageEncoding.PNG, bomb);
      case "jpeg-truncated" -> {
        byte[] jpeg = encode("jpg", 28, 28);
        // past the headers (SOS), before the end: the decoder only warns about it
        int from = sosEnd(jpeg);
        payload =
            MediaSpecs.encoded(
                ImageEncoding.JPEG,
                Arrays.copyOf(jpeg, from + random.nextInt(jpeg.length - 2 - from)));
      }
      case "jpeg-corrupt-header" -> {
        byte[] bytes = new byte[100 + random.nextInt(400)];
        random.nextBytes(bytes);
        bytes[0] = (byte) 0xFF;
        bytes[1] = (byte) 0xD8;
        payload = MediaSpecs.encoded(ImageEncoding.JPEG, bytes);
      }
      case "jpeg-oversized" ->
          payload = MediaSpecs.encoded(ImageEncoding.JPEG, encode("jpg", 64, 64));
      case "unknown-label" -> {
        label = "Hat";
        payload = MediaSpecs.rawImage(28, 28, 1, pixels(784));
      }
      case "missing-label" -> {
        label = null;
        payload = MediaSpecs.rawImage(28, 28, 1, pixels(784));
      }
      case "wrong-payload" -> payload = TextPayload.newBuilder().setText("a text").build();
      case "invalid-utf8-label" -> {
        label = UTF8_MARKER;
        payload = MediaSpecs.rawImage(28, 28, 1, pixels(784));
      }
      case "control-char-label" -> {
        label = "Ba\u0000g\u0007";
        payload = MediaSpecs.rawImage(28, 28, 1, pixels(784));
      }
      default -> throw new IllegalArgumentException(kind);
    }
    return withInvalidUtf8(serialize(rawTopic, MediaSpecs.raw(id, label, payload)));
  }

  private byte[] badText(String rawTopic, String kind, String id, int i) {
    String label = random.nextBoolean() ? "ham" : "spam";
    Object payload = null;
    String text = words(20);
    switch (kind) {
      case "empty-text" -> text = "";
      case "whitespace-text" -> text = " \t\n\u000b\f\r ".repeat(1 + i % 50);
      case "headers-only-email" -> text = "Received: from relay.example.com\nFrom: a@b.c\n\n";
      case "unknown-label" -> label = "phishing";
      case "missing-label" -> label = null;
      case "wrong-payload" -> payload = MediaSpecs.rawImage(28, 28, 1, pixels(784));
      case "invalid-utf8-label" -> label = UTF8_MARKER;
      case "control-char-label" -> label = "sp\u0000am";
      default -> throw new IllegalArgumentException(kind);
    }
    if (payload == null) {
      payload = TextPayload.newBuilder().setText(text).build();
    }
    return withInvalidUtf8(serialize(rawTopic, MediaSpecs.raw(id, label, payload)));
  }

  // ---- good records

  RawRecord goodRecord(Modality modality, String id, int i) {
    return switch (modality) {
      case TABULAR ->
          MediaSpecs.raw(
              id,
              random.nextDouble() < 0.3 ? "bad" : "good",
              TabularPayload.newBuilder().setValues(goodRow()).build());
      case IMAGE ->
          MediaSpecs.raw(
              id,
              pick(FASHION),
              switch (i % 3) {
                case 0 -> MediaSpecs.encoded(ImageEncoding.PNG, encode("png", 28, 28));
                case 1 -> MediaSpecs.encoded(ImageEncoding.JPEG, encode("jpg", 28, 28));
                default -> MediaSpecs.rawImage(28, 28, 1, pixels(784));
              });
      case TEXT ->
          MediaSpecs.raw(
              id,
              random.nextDouble() < 0.3 ? "spam" : "ham",
              TextPayload.newBuilder()
                  .setText(
                      i % 50 == 7
                          // a large good text: cut at text.maxChars, not dead-lettered
                          ? "Subject: long\n\n" + words(40_000)
                          : "Subject: note " + i + "\n\n" + words(10 + random.nextInt(60)))
                  .build());
    };
  }

  Map<String, Object> goodRow() {
    Map<String, Object> row = new HashMap<>();
    for (String column : CREDIT_NUMERIC) {
      double r = random.nextDouble();
      row.put(column, r < 0.05 ? null : (Object) (Math.round(random.nextDouble() * 5000) / 10.0));
    }
    CREDIT_CATEGORICAL.forEach(
        (column, categories) ->
            row.put(column, random.nextDouble() < 0.05 ? null : pick(categories)));
    return row;
  }

  // ---- files for the ingest readers

  /** What the ingest files hold, with the expected fates. */
  public record Files(
      Path csv,
      List<Item> csvItems,
      Path jsonl,
      List<Item> jsonlItems,
      Path imageRoot,
      List<Item> imageItems) {}

  /**
   * A credit CSV (a 2 MB cell, invalid UTF-8, control characters, an extra cell, unknown label), a
   * spam JSONL (empty and 5 MB texts, a line that is not JSON, one without its text field) and a
   * Fashion-MNIST image folder (a truncated PNG, a JPEG with a corrupt header, a truncated JPEG),
   * each with good inputs. Ids are prefixed {@code f-}.
   */
  public Files writeFiles(Path dir, int good) throws IOException {
    List<Item> items = new ArrayList<>();
    List<Item> csvItems = items;
    // CSV: id column "id"; the header is the credit spec's columns and the label
    List<String> columns = new ArrayList<>(CREDIT_NUMERIC);
    columns.addAll(CREDIT_CATEGORICAL.keySet().stream().sorted().toList());
    ByteArrayOutputStream csv = new ByteArrayOutputStream();
    csv.write(("id,Status," + String.join(",", columns) + "\n").getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < good + 5; i++) {
      String id = "f-row-" + i;
      List<String> cells = new ArrayList<>();
      Map<String, Object> row = goodRow();
      for (String column : columns) {
        cells.add(row.get(column) == null ? "" : String.valueOf(row.get(column)));
      }
      String label = random.nextBoolean() ? "good" : "bad";
      String kind = "good";
      String stage = null;
      byte[] raw = null;
      int income = columns.indexOf("Income");
      switch (i - good) {
        case 0 -> {
          kind = "csv-2MB-cell";
          stage = INGEST; // over the producer's request size: rejected at the ingest edge
          cells.set(income, "x".repeat(2 * 1024 * 1024));
        }
        case 1 -> {
          kind = "csv-invalid-utf8";
          stage = VALIDATE;
          raw = new byte[] {'1', '2', (byte) 0xFF, (byte) 0xC3, '('};
          cells.set(income, "@RAW@");
        }
        case 2 -> {
          kind = "csv-control-chars";
          stage = VALIDATE;
          cells.set(income, "\"3\u0001\u0002\u0007" + i + "\"");
        }
        case 3 -> {
          kind = "csv-extra-cell";
          stage = VALIDATE;
          cells.add("surplus");
        }
        case 4 -> {
          kind = "csv-unknown-label";
          stage = VALIDATE;
          label = "excellent";
        }
        default -> {}
      }
      String line = id + "," + label + "," + String.join(",", cells) + "\n";
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      if (raw != null) {
        String[] parts = line.split("@RAW@", -1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(parts[0].getBytes(StandardCharsets.UTF_8));
        out.write(raw);
        out.write(parts[1].getBytes(StandardCharsets.UTF_8));
        bytes = out.toByteArray();
      }
      csv.write(bytes);
      items.add(new Item(id, kind, stage, null));
    }
    Path csvFile = dir.resolve("credit-corpus.csv");
    java.nio.file.Files.write(csvFile, csv.toByteArray());

    // JSONL: location keys are "<stem>:<line>"
    items = new ArrayList<>();
    List<Item> jsonlItems = items;
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < good; i++) {
      String id = "f-mail-" + i;
      lines.add(json(id, random.nextBoolean() ? "ham" : "spam", "Subject: hi\\n\\n" + words(30)));
      items.add(new Item(id, "good", null, null));
    }
    lines.add(json("f-mail-empty", "ham", ""));
    items.add(new Item("f-mail-empty", "jsonl-empty-text", VALIDATE, null));
    lines.add(json("f-mail-5MB", "spam", "x ".repeat(5 * 1024 * 1024 / 2)));
    items.add(new Item("f-mail-5MB", "jsonl-5MB-text", INGEST, null));
    lines.add("{this is not json");
    items.add(new Item("spam-corpus:" + lines.size(), "jsonl-not-json", INGEST, null));
    lines.add("{\"id\": \"f-mail-notext\", \"label\": \"ham\", \"body\": \"wrong field\"}");
    items.add(new Item("spam-corpus:" + lines.size(), "jsonl-no-text-field", INGEST, null));
    Path jsonl = dir.resolve("spam-corpus.jsonl");
    java.nio.file.Files.write(jsonl, lines);

    // image folder: ids "<root>/<class>/<file>", reader rejections keyed "<class>/<file>"
    Path root = dir.resolve("fmnist-corpus");
    items = new ArrayList<>();
    for (int i = 0; i < good; i++) {
      // a class folder cannot be called "T-shirt/top"
      String label = pick(FASHION.subList(1, FASHION.size()));
      Path folder = root.resolve(label);
      java.nio.file.Files.createDirectories(folder);
      String file = "img-" + i + (i % 2 == 0 ? ".png" : ".jpg");
      java.nio.file.Files.write(folder.resolve(file), encode(i % 2 == 0 ? "png" : "jpg", 28, 28));
      items.add(new Item("fmnist-corpus/" + label + "/" + file, "good", null, null));
    }
    Path bag = root.resolve("Bag");
    java.nio.file.Files.createDirectories(bag);
    byte[] png = encode("png", 28, 28);
    java.nio.file.Files.write(bag.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
    items.add(new Item("fmnist-corpus/Bag/truncated.png", "folder-truncated-png", VALIDATE, null));
    byte[] jpeg = encode("jpg", 28, 28);
    java.nio.file.Files.write(
        bag.resolve("truncated.jpg"), Arrays.copyOf(jpeg, (sosEnd(jpeg) + jpeg.length) / 2));
    items.add(new Item("fmnist-corpus/Bag/truncated.jpg", "folder-truncated-jpeg", VALIDATE, null));
    // the JPEG signature, then no valid marker: "Unsupported marker type"
    byte[] corrupt = new byte[jpeg.length];
    corrupt[0] = (byte) 0xFF;
    corrupt[1] = (byte) 0xD8;
    corrupt[2] = (byte) 0xFF;
    java.nio.file.Files.write(bag.resolve("corrupt-header.jpg"), corrupt);
    items.add(new Item("Bag/corrupt-header.jpg", "folder-corrupt-jpeg-header", INGEST, null));
    return new Files(csvFile, csvItems, jsonl, jsonlItems, root, items);
  }

  // ---- helpers

  private static String json(String id, String label, String text) {
    return "{\"id\": \"" + id + "\", \"label\": \"" + label + "\", \"text\": \"" + text + "\"}";
  }

  private byte[] serialize(String topic, SpecificRecord record) {
    return serializer.serialize(topic, record);
  }

  /** Replaces the marker string's bytes by bytes that are not UTF-8 (same length). */
  static byte[] withInvalidUtf8(byte[] bytes) {
    byte[] marker = UTF8_MARKER.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + marker.length <= bytes.length; i++) {
      for (int k = 0; k < marker.length; k++) {
        if (bytes[i + k] != marker[k]) {
          continue outer;
        }
      }
      System.arraycopy(INVALID_UTF8, 0, bytes, i, INVALID_UTF8.length);
    }
    return bytes;
  }

  private byte[] pixels(int length) {
    byte[] pixels = new byte[length];
    random.nextBytes(pixels);
    return pixels;
  }

  private byte[] encode(String format, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    int a = random.nextInt(50);
    int b = random.nextInt(50);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.getRaster().setSample(x, y, 0, (x * a + y * b) % 256);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The offset just past a JPEG's start-of-scan header: what follows is entropy-coded data. */
  static int sosEnd(byte[] jpeg) {
    for (int i = 2; i + 3 < jpeg.length; i++) {
      if ((jpeg[i] & 0xff) == 0xFF && (jpeg[i + 1] & 0xff) == 0xDA) {
        int length = ((jpeg[i + 2] & 0xff) << 8) | (jpeg[i + 3] & 0xff);
        return i + 2 + length + 1;
      }
    }
    throw new IllegalArgumentException("no SOS marker");
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private String words(int count) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      text.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    return text.toString();
  }
}
