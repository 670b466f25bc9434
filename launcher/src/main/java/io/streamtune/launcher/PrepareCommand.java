package io.streamtune.launcher;

import io.streamtune.ingest.CsvDataset;
import io.streamtune.ingest.CsvRecordReader;
import io.streamtune.preprocess.PreprocessBatch;
import io.streamtune.preprocess.PreprocessBatch.FitOn;
import io.streamtune.preprocess.PreprocessBatch.Rejection;
import io.streamtune.preprocess.sampling.ResampledRows;
import io.streamtune.schemas.avro.Example;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.SamplingSpec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "prepare",
    mixinStandardHelpOptions = true,
    description = {
      "Run a pipeline's preprocess steps over a CSV file in batch: the same operator code as the"
          + " stream, fitted on all rows (or the train split) at once, like a scikit-learn"
          + " Pipeline's fit_transform.",
      "Then rebalances the train rows as the spec's sampling section says (synthetic rows carry"
          + " synthetic=true and their parents' ids; --removed lists what was removed and why).",
      "Writes the transformed rows (id, split, label, features) and, with --fitted, the fitted"
          + " parameters as JSON (means, scales, quantiles, categories, PCA components...), which"
          + " any service can load to apply the same transform.",
      "Image and text specs: a preview of the job's validation, split and augmentation. --input is"
          + " an IDX image file (with --labels) or a folder-per-class directory, or JSON Lines /"
          + " CSV texts (the spec's text.field, label.column, text.idField); --output is a"
          + " directory that receives every original and augmented copy (PNG files listed in"
          + " examples.csv, or one JSON line per text variant in examples.jsonl) and"
          + " rejected.csv."
    })
final class PrepareCommand implements Callable<Integer> {

  @Option(names = "--pipeline", required = true, description = "Pipeline spec (YAML)")
  Path pipeline;

  @Option(
      names = "--input",
      required = true,
      description =
          "CSV file with a header row; image/text specs: IDX images, an image folder, JSONL or CSV")
  Path input;

  @Option(
      names = "--output",
      required = true,
      description = "Transformed rows (CSV); image/text specs: a directory")
  Path output;

  @Option(names = "--labels", description = "Image specs: the IDX label file of --input")
  Path labels;

  @Option(
      names = "--limit",
      defaultValue = "0",
      description = "Image/text specs: read at most this many records (0 = all)")
  long limit;

  @Option(names = "--fitted", description = "Write the fitted transform (JSON) here")
  Path fitted;

  @Option(
      names = "--fit-on",
      defaultValue = "all",
      description =
          "Rows the steps are fitted on: all, or train (the spec's split; holdout rows are only"
              + " transformed, as in the stream) (default: ${DEFAULT-VALUE})")
  String fitOn;

  @Option(
      names = "--rejected",
      description = "Write rejected rows (line, id, stage, reason) here as CSV")
  Path rejected;

  @Option(names = "--id-column", description = "Column holding record ids (default: row numbers)")
  String idColumn;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Option(
      names = "--removed",
      description =
          "Write the train rows rebalancing removed (id, label, synthetic, reason, neighbour ids) here as CSV")
  Path removed;

  @Override
  public Integer call() throws IOException {
    PipelineSpec spec = PipelineSpecs.load(pipeline);
    if (spec.modality() != PipelineSpec.Modality.TABULAR) {
      return previewMedia(spec);
    }
    FitOn fitOnRows = parseFitOn(fitOn);
    java.io.PrintWriter err = commandSpec.commandLine().getErr();
    CsvDataset dataset = CsvDataset.withSpec(input, spec, idColumn);
    PreprocessBatch.TabularResult result;
    try (CsvRecordReader reader = dataset.open(Clock.systemUTC())) {
      result = PreprocessBatch.tabular(spec, reader, fitOnRows);
    }
    List<Example> examples = result.examples();
    List<Rejection> rejections = result.rejected();
    writeExamples(spec, result.transform().featureNames(), examples);
    if (fitted != null) {
      Files.writeString(fitted, result.transform().toJson());
    }
    if (rejected != null) {
      writeRejections(rejections);
    }
    if (removed != null) {
      writeRows(
          removed,
          ResampledRows.removedHeader(spec.label().column()),
          result.removed().stream().map(ResampledRows::removedCells).toList());
    }
    err.printf(
        "prepared %,d rows (fitted on %,d) -> %s; %,d rejected%s%s%n",
        examples.size(),
        result.transform().version(),
        output,
        rejections.size(),
        rejected != null ? " -> " + rejected : "",
        fitted != null ? "; fitted transform -> " + fitted : "");
    if (result.transform().badCells().total() > 0) {
      // preprocess.badValues: missing made these cells missing; say where, so none goes unseen
      err.printf(
          "  %,d cells that were not numbers became missing: %s%n",
          result.transform().badCells().total(), result.transform().badCells().asMap());
    }
    if (rejected == null) {
      rejections.stream()
          .limit(10)
          .forEach(r -> err.printf("  rejected %s (%s): %s%n", r.id(), r.stage(), r.reason()));
    }
    err.flush();
    return 0;
  }

  private int previewMedia(PipelineSpec spec) throws IOException {
    java.io.PrintWriter err = commandSpec.commandLine().getErr();
    for (Object[] tabularOnly :
        new Object[][] {{"--fitted", fitted}, {"--removed", removed}, {"--id-column", idColumn}}) {
      if (tabularOnly[1] != null) {
        throw new picocli.CommandLine.ParameterException(
            commandSpec.commandLine(),
            tabularOnly[0] + " applies to tabular specs only (this one is " + modality(spec) + ")");
      }
    }
    if (rejected != null) {
      throw new picocli.CommandLine.ParameterException(
          commandSpec.commandLine(),
          "--rejected: image/text specs write rejected.csv into the --output directory");
    }
    MediaPreview preview = new MediaPreview(spec);
    MediaPreview.Counts counts;
    try (io.streamtune.ingest.IngestSource source =
        SpecSources.open(spec, input, labels, null, Clock.systemUTC())) {
      counts = preview.run(source, output, limit);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
    }
    err.printf(
        "prepared %,d %s records -> %s: %,d originals (%,d holdout, never augmented) + %,d"
            + " augmented copies; %,d rejected (rejected.csv)%n",
        counts.records(),
        modality(spec),
        output,
        counts.originals(),
        counts.holdout(),
        counts.copies(),
        counts.rejected());
    err.flush();
    return 0;
  }

  private static String modality(PipelineSpec spec) {
    return spec.modality().name().toLowerCase(java.util.Locale.ROOT);
  }

  private FitOn parseFitOn(String value) {
    try {
      return FitOn.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          commandSpec.commandLine(),
          "invalid value '" + value + "' for --fit-on; allowed values: [all, train]");
    }
  }

  private void writeExamples(PipelineSpec spec, List<String> featureNames, List<Example> examples)
      throws IOException {
    List<String> header = new ArrayList<>(List.of("id", "split", "label"));
    header.addAll(featureNames);
    // rebalancing adds synthetic rows: say which, and from which parents
    boolean rebalanced = spec.sampling().method() != SamplingSpec.Method.NONE;
    if (rebalanced) {
      header.addAll(List.of("synthetic", "parent_ids"));
    }
    try (BufferedWriter writer = Files.newBufferedWriter(output);
        CSVPrinter printer =
            CSVFormat.RFC4180
                .builder()
                .setRecordSeparator('\n')
                .setHeader(header.toArray(String[]::new))
                .build()
                .print(writer)) {
      for (Example example : examples) {
        List<Object> cells = new ArrayList<>(header.size());
        cells.add(example.getId());
        cells.add(example.getSplit().name().toLowerCase(java.util.Locale.ROOT));
        cells.add(example.getLabel());
        cells.addAll(example.getFeatures());
        if (rebalanced) {
          cells.add(example.getSynthetic());
          cells.add(String.join(ResampledRows.ID_SEPARATOR, example.getParentIds()));
        }
        printer.printRecord(cells);
      }
    }
  }

  private static void writeRows(Path file, List<String> header, List<List<String>> rows)
      throws IOException {
    try (BufferedWriter writer = Files.newBufferedWriter(file);
        CSVPrinter printer =
            CSVFormat.RFC4180
                .builder()
                .setRecordSeparator('\n')
                .setHeader(header.toArray(String[]::new))
                .build()
                .print(writer)) {
      for (List<String> row : rows) {
        printer.printRecord(row);
      }
    }
  }

  private void writeRejections(List<Rejection> rejections) throws IOException {
    try (BufferedWriter writer = Files.newBufferedWriter(rejected);
        CSVPrinter printer =
            CSVFormat.RFC4180
                .builder()
                .setRecordSeparator('\n')
                .setHeader("source", "id", "stage", "reason")
                .build()
                .print(writer)) {
      for (Rejection r : rejections) {
        printer.printRecord(r.source(), r.id(), r.stage(), r.reason());
      }
    }
  }
}
