package io.streamtune.launcher;

import io.streamtune.ingest.CsvDataset;
import io.streamtune.ingest.IngestException;
import io.streamtune.ingest.IngestSource;
import io.streamtune.spec.PipelineSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;

/**
 * The records a pipeline spec reads from an input: the one factory behind {@code ingest --pipeline
 * SPEC --input F}, {@code demo} and {@code prepare}, so the three never disagree on how a
 * modality's files are read. Errors name the command-line option at fault.
 */
final class SpecSources {

  private SpecSources() {}

  /**
   * Tabular specs read a CSV typed by the spec; image specs an IDX image file (with {@code labels})
   * or a folder-per-class directory; text specs JSON Lines (.jsonl, .gz allowed) or CSV, with the
   * spec's text field, label column and id field.
   *
   * @param labels IDX label file (image specs with an IDX input only), or null
   * @param idColumn overrides the spec's id column/field; null keeps it (tabular: row numbers)
   */
  static IngestSource open(
      PipelineSpec spec, Path input, Path labels, String idColumn, Clock clock) {
    if (!Files.exists(input)) {
      throw new IngestException("--input " + input + ": no such file or directory");
    }
    PipelineSpec.Modality modality = spec.modality();
    if (labels != null && (modality != PipelineSpec.Modality.IMAGE || Files.isDirectory(input))) {
      throw new IngestException(
          "--labels applies to an IDX image file only (spec '"
              + spec.name()
              + "' is "
              + name(modality)
              + (Files.isDirectory(input) ? ", and --input is a directory)" : ")"));
    }
    if (modality != PipelineSpec.Modality.IMAGE && Files.isDirectory(input)) {
      throw new IngestException(
          "--input "
              + input
              + " is a directory; spec '"
              + spec.name()
              + "' is "
              + name(modality)
              + (modality == PipelineSpec.Modality.TEXT
                  ? " and reads a JSON Lines (.jsonl, .gz allowed) or CSV file"
                  : " and reads a CSV file"));
    }
    return switch (modality) {
      case TABULAR -> IngestSource.csv(CsvDataset.withSpec(input, spec, idColumn), clock);
      case IMAGE -> image(spec, input, labels, clock);
      case TEXT -> text(spec, input, idColumn, clock);
    };
  }

  private static IngestSource image(PipelineSpec spec, Path input, Path labels, Clock clock) {
    if (Files.isDirectory(input)) {
      return IngestSource.imageFolder(input, clock);
    }
    if (labels == null) {
      throw new IngestException(
          "--labels is required with an IDX image file (or give a folder-per-class directory"
              + " as --input)");
    }
    if (!Files.isRegularFile(labels)) {
      throw new IngestException("--labels " + labels + ": no such file");
    }
    return IngestSource.idx(input, labels, spec.label().classes(), clock);
  }

  private static IngestSource text(PipelineSpec spec, Path input, String idColumn, Clock clock) {
    String idField = idColumn != null ? idColumn : spec.text().idField();
    String file = input.getFileName().toString().toLowerCase(Locale.ROOT);
    if (file.endsWith(".csv") || file.endsWith(".csv.gz")) {
      return IngestSource.textCsv(
          input, spec.text().field(), spec.label().column(), idField, clock);
    }
    return IngestSource.jsonl(input, spec.text().field(), spec.label().column(), idField, clock);
  }

  static String name(PipelineSpec.Modality modality) {
    return modality.name().toLowerCase(Locale.ROOT);
  }
}
