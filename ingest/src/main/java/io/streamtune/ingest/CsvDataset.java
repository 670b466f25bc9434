package io.streamtune.ingest;

import io.streamtune.spec.PipelineSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A CSV file ready to stream: its schema (column types, label) and the pipeline spec that prepares
 * it, either given or inferred from the file.
 *
 * @param name used in record ids ({@code <name>-<row>}) and sources ({@code <name>:<line>})
 */
public record CsvDataset(
    Path file, String name, CsvSchema schema, PipelineSpec spec, String idColumn) {

  /** Infers types, categories and classes from the file and builds a spec with defaults. */
  public static CsvDataset infer(Path file, String labelColumn, String idColumn) {
    return infer(file, labelColumn, idColumn, CsvSchemaInference.Settings.defaults());
  }

  /** {@link #infer(Path, String, String)} with other inference thresholds. */
  public static CsvDataset infer(
      Path file, String labelColumn, String idColumn, CsvSchemaInference.Settings settings) {
    String name = stem(file);
    CsvSchema schema;
    try (Reader reader = reader(file)) {
      schema =
          new CsvSchemaInference(CsvFormat.defaults(), settings)
              .infer(reader, labelColumn, idColumn, Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return new CsvDataset(file, name, schema, SpecFromCsv.toSpec(name, schema), idColumn);
  }

  /** Uses a given spec; the file's column types are the spec's, so the file is not scanned. */
  public static CsvDataset withSpec(Path file, PipelineSpec spec, String idColumn) {
    Map<String, CsvSchema.Column> columns = new LinkedHashMap<>();
    spec.columns()
        .forEach(
            (column, c) -> columns.put(column, new CsvSchema.Column(c.type(), c.categories(), 0)));
    CsvSchema schema =
        new CsvSchema(columns, spec.label().column(), spec.label().classes(), Map.of(), -1);
    return new CsvDataset(file, stem(file), schema, spec, idColumn);
  }

  /** Counts data rows (not lines: quoted cells may span lines). */
  public long countRows() {
    if (schema.rows() >= 0) {
      return schema.rows();
    }
    try (CsvRecordReader reader = open(Clock.systemUTC())) {
      long rows = 0;
      while (reader.hasNext()) {
        reader.next();
        rows++;
      }
      return rows;
    }
  }

  public CsvRecordReader open(Clock clock) {
    try {
      return new CsvRecordReader(reader(file), CsvFormat.defaults(), schema, name, idColumn, clock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The file as UTF-8 text, bytes that are not UTF-8 replaced by U+FFFD. {@code
   * Files.newBufferedReader} reports them instead: one invalid byte in a 100,000-row file threw a
   * {@code MalformedInputException} mid-stream and ended the whole ingest. Replaced, the bad cell
   * reaches preprocessing, which dead-letters its row with a reason (or keeps it for the unseen
   * slot of a categorical column); valid UTF-8 reads exactly as before.
   */
  public static Reader reader(Path file) throws IOException {
    return new BufferedReader(
        new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8), 1 << 16);
  }

  private static String stem(Path file) {
    String fileName = file.getFileName().toString();
    int dot = fileName.lastIndexOf('.');
    return dot > 0 ? fileName.substring(0, dot) : fileName;
  }
}
