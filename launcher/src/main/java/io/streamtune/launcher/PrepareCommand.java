package io.streamtune.launcher;

import io.streamtune.ingest.CsvDataset;
import io.streamtune.ingest.CsvRecordReader;
import io.streamtune.preprocess.batch.BatchPreparer;
import io.streamtune.preprocess.sampling.LabeledVector;
import io.streamtune.preprocess.sampling.ResampledRows;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.spec.PipelineSpec;
import io.streamtune.schemas.spec.PipelineSpecs;
import java.io.IOException;
import java.io.Writer;
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
      "Run the preprocessing of a pipeline spec on a CSV file, offline, with the job's own code:",
      "validate, split, impute/encode/scale (fitted on the train split, row by row as the stream would),",
      "and rebalance the train rows (sampling.*). Writes the train rows after rebalancing (synthetic",
      "rows carry their parents' ids) and, with --holdout, the holdout rows."
    })
final class PrepareCommand implements Callable<Integer> {

  @Option(names = "--pipeline", required = true, description = "Pipeline spec YAML")
  Path pipeline;

  @Option(names = "--input", required = true, description = "CSV file with a header row")
  Path input;

  @Option(names = "--output", required = true, description = "CSV of the prepared train rows")
  Path output;

  @Option(names = "--holdout", description = "CSV of the prepared holdout rows")
  Path holdout;

  @Option(
      names = "--removed",
      description = "CSV of the train rows rebalancing removed, with reasons")
  Path removed;

  @Option(names = "--rejected", description = "CSV of the rows validation rejected, with reasons")
  Path rejected;

  @Option(names = "--id-column", description = "Column holding record ids (default: row numbers)")
  String idColumn;

  @Override
  public Integer call() throws Exception {
    PipelineSpec spec = PipelineSpecs.load(pipeline);
    CsvDataset dataset = CsvDataset.withSpec(input, spec, idColumn);
    BatchPreparer.Result result;
    try (CsvRecordReader records = dataset.open(Clock.systemUTC())) {
      result = new BatchPreparer(spec).prepare(records);
    }
    String labelColumn = spec.label().column();
    List<String> features = spec.featureNames();
    write(
        output,
        ResampledRows.keptHeader(labelColumn, features),
        result.resampled().kept().stream().map(ResampledRows::keptCells).toList());
    if (holdout != null) {
      List<String> header = new ArrayList<>(List.of("id", labelColumn));
      header.addAll(features);
      write(holdout, header, result.holdout().stream().map(PrepareCommand::holdoutCells).toList());
    }
    if (removed != null) {
      write(
          removed,
          ResampledRows.removedHeader(labelColumn),
          result.resampled().removed().stream().map(ResampledRows::removedCells).toList());
    }
    if (rejected != null) {
      write(
          rejected,
          List.of("id", "source", "reason"),
          result.rejections().stream()
              .map(r -> List.of(r.recordId(), r.source(), r.reason()))
              .toList());
    }
    long synthetic = result.resampled().kept().stream().filter(LabeledVector::synthetic).count();
    System.out.printf(
        "%s: %,d rows -> train %,d (after %s: %,d kept incl. %,d synthetic, %,d removed), holdout %,d,"
            + " rejected %,d; class counts after rebalancing %s%n",
        input.getFileName(),
        result.examples().size() + result.rejections().size(),
        result.examples().size() - result.holdout().size(),
        spec.sampling().method().name().toLowerCase(java.util.Locale.ROOT),
        result.resampled().kept().size(),
        synthetic,
        result.resampled().removed().size(),
        result.holdout().size(),
        result.rejections().size(),
        result.resampled().keptCounts());
    return 0;
  }

  private static List<String> holdoutCells(Example example) {
    List<String> cells = new ArrayList<>(List.of(example.getId(), example.getLabel()));
    example.getFeatures().forEach(f -> cells.add(Float.toString(f)));
    return cells;
  }

  private static void write(Path file, List<String> header, List<List<String>> rows)
      throws IOException {
    try (Writer writer = Files.newBufferedWriter(file);
        CSVPrinter printer =
            new CSVPrinter(
                writer,
                CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new)).get())) {
      for (List<String> row : rows) {
        printer.printRecord(row);
      }
    }
  }
}
