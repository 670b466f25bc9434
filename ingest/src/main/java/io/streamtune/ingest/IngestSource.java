package io.streamtune.ingest;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.schemas.avro.RawRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** A file or folder to ingest: how many items it holds (for progress) and the items themselves. */
public interface IngestSource extends AutoCloseable {

  /** Number of items, or -1 when unknown. */
  long size();

  Iterator<Outcome<RawRecord>> items();

  @Override
  void close();

  /** Rows of a CSV file, typed by the dataset's schema (every row becomes a record). */
  static IngestSource csv(CsvDataset dataset, Clock clock) {
    CsvRecordReader reader = dataset.open(clock);
    long rows = dataset.countRows();
    Iterator<Outcome<RawRecord>> items = IngestOutcomes.acceptAll(reader);
    return of(rows, items, reader::close);
  }

  /** MNIST-style IDX image + label files (optionally .gz). */
  static IngestSource idx(Path images, Path labels, List<String> classNames, Clock clock) {
    IdxImageReader reader = new IdxImageReader(images, labels, classNames, stem(images), clock);
    Iterator<Outcome<RawRecord>> items = IngestOutcomes.acceptAll(reader);
    return of(reader.size(), items, reader::close);
  }

  /** A folder-per-class directory of PNG/JPEG images. */
  static IngestSource imageFolder(Path root, Clock clock) {
    ImageFolderReader reader = new ImageFolderReader(root, root.getFileName().toString(), clock);
    return of(reader.size(), reader, () -> {});
  }

  /** JSON Lines (optionally .gz) with a text field and a label field. */
  static IngestSource jsonl(
      Path file, String textField, String labelField, String idField, Clock clock) {
    long lines;
    try (BufferedReader counting = open(file)) {
      lines = counting.lines().filter(line -> !line.isBlank()).count();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    try {
      JsonlTextReader reader =
          new JsonlTextReader(open(file), textField, labelField, idField, stem(file), clock);
      return of(lines, reader, reader::close);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** A CSV file with a text column and a label column. */
  static IngestSource textCsv(
      Path file, String textColumn, String labelColumn, String idColumn, Clock clock) {
    try {
      TextCsvReader reader =
          new TextCsvReader(
              open(file),
              CsvFormat.defaults(),
              textColumn,
              labelColumn,
              idColumn,
              stem(file),
              clock);
      return of(-1, reader, reader::close);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static IngestSource of(long size, Iterator<Outcome<RawRecord>> items, Runnable onClose) {
    return new IngestSource() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public Iterator<Outcome<RawRecord>> items() {
        return items;
      }

      @Override
      public void close() {
        onClose.run();
      }
    };
  }

  private static BufferedReader open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    if (file.getFileName().toString().endsWith(".gz")) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
  }

  private static String stem(Path file) {
    String name = file.getFileName().toString();
    for (String suffix : new String[] {".gz", ".jsonl", ".json", ".csv", "-ubyte", ".idx3"}) {
      if (name.endsWith(suffix)) {
        name = name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }
}
