package io.streamtune.launcher;

import io.streamtune.ingest.CsvDataset;
import io.streamtune.spec.PipelineSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "infer-spec",
    mixinStandardHelpOptions = true,
    description =
        "Infer a tabular pipeline spec (column types, categories, classes) from a CSV file.")
final class InferSpecCommand implements Callable<Integer> {

  @Option(names = "--csv", required = true, description = "CSV file with a header row")
  Path csv;

  @Option(names = "--label", required = true, description = "Label column")
  String label;

  @Option(names = "--id-column", description = "Column holding record ids (default: row numbers)")
  String idColumn;

  @Option(names = "--output", description = "Write the spec here instead of standard output")
  Path output;

  @Override
  public Integer call() throws Exception {
    CsvDataset dataset = CsvDataset.infer(csv, label, idColumn);
    StringBuilder yaml = new StringBuilder();
    yaml.append("# Inferred by `streamtune infer-spec` from ")
        .append(csv.getFileName())
        .append('\n');
    dataset
        .schema()
        .droppedColumns()
        .forEach(
            (column, why) ->
                yaml.append("# not a feature: ")
                    .append(column)
                    .append(" (")
                    .append(why)
                    .append(")\n"));
    yaml.append(PipelineSpecs.toYaml(dataset.spec()));
    if (output == null) {
      System.out.print(yaml);
    } else {
      Files.writeString(output, yaml);
      System.err.println("wrote " + output);
    }
    return 0;
  }
}
