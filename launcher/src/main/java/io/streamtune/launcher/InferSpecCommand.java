package io.streamtune.launcher;

import io.streamtune.ingest.CsvDataset;
import io.streamtune.ingest.CsvSchemaInference;
import io.streamtune.ingest.InferredSpecYaml;
import io.streamtune.ingest.ProfileReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "infer-spec",
    mixinStandardHelpOptions = true,
    description =
        "Infer a tabular pipeline spec (column types, categories, classes) from a CSV file;"
            + " each decision is written with its evidence as a comment.")
final class InferSpecCommand implements Callable<Integer> {

  @Option(names = "--csv", required = true, description = "CSV file with a header row")
  Path csv;

  @Option(names = "--label", required = true, description = "Label column")
  String label;

  @Option(names = "--id-column", description = "Column holding record ids (default: row numbers)")
  String idColumn;

  @Option(names = "--output", description = "Write the spec here instead of standard output")
  Path output;

  @Option(
      names = "--numeric-share",
      defaultValue = "0.98",
      description =
          "A column is numeric when at least this share of its non-missing cells are numbers"
              + " (default: ${DEFAULT-VALUE}); the others are bad cells")
  double numericShare;

  @Option(
      names = "--min-label-count",
      defaultValue = "10",
      description =
          "A label value in fewer rows is excluded from the classes (default: ${DEFAULT-VALUE})")
  int minLabelCount;

  @Option(
      names = "--min-label-share",
      defaultValue = "0.005",
      description =
          "A label value in a smaller share of the labelled rows is excluded (default: ${DEFAULT-VALUE})")
  double minLabelShare;

  @Option(
      names = "--keep-rare-labels",
      description = "Keep rare label values as classes instead of excluding them")
  boolean keepRareLabels;

  @Override
  public Integer call() throws Exception {
    CsvDataset dataset = CsvDataset.infer(csv, label, idColumn, settings());
    StringBuilder yaml =
        new StringBuilder(InferredSpecYaml.write(csv.getFileName().toString(), dataset));
    // the profile's leak check (a second pass): a feature that gives the label away is named
    ProfileReport.of(csv, label, settings())
        .leaks()
        .forEach(
            (column, why) ->
                yaml.append("# suspected leak: ")
                    .append(column)
                    .append(" (")
                    .append(why)
                    .append("): check it is known before the label is\n"));
    if (output == null) {
      System.out.print(yaml);
    } else {
      Files.writeString(output, yaml);
      System.err.println("wrote " + output);
    }
    return 0;
  }

  CsvSchemaInference.Settings settings() {
    return new CsvSchemaInference.Settings(
        numericShare,
        CsvSchemaInference.DEFAULT_MAX_CATEGORIES,
        minLabelCount,
        minLabelShare,
        keepRareLabels);
  }
}
