package io.streamtune.launcher;

import io.streamtune.ingest.CsvSchemaInference;
import io.streamtune.ingest.ProfileReport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "profile",
    mixinStandardHelpOptions = true,
    description =
        "Data-quality report of a CSV file: per column its type, missing share, cells that are not"
            + " numbers (with examples), distinct values, min/quartiles/max, IQR outliers and top"
            + " values; the label's balance; suspected ids and leaks. Printed as a table and"
            + " written as Markdown and HTML with small histograms.")
final class ProfileCommand implements Callable<Integer> {

  @Spec CommandSpec commandSpec;

  @Option(names = "--csv", required = true, description = "CSV file with a header row")
  Path csv;

  @Option(names = "--label", description = "Label column: adds its balance and the leak check")
  String label;

  @Option(
      names = "--output",
      description =
          "Folder for profile.md, profile.html and the histograms (default: FILE-profile)")
  Path output;

  @Option(
      names = "--numeric-share",
      defaultValue = "0.98",
      description = "As infer-spec: the share of numbers that makes a column numeric")
  double numericShare;

  @Override
  public Integer call() throws Exception {
    CsvSchemaInference.Settings defaults = CsvSchemaInference.Settings.defaults();
    CsvSchemaInference.Settings settings =
        new CsvSchemaInference.Settings(
            numericShare,
            defaults.maxCategories(),
            defaults.minLabelCount(),
            defaults.minLabelShare(),
            false);
    ProfileReport.Facts facts = ProfileReport.of(csv, label, settings);
    java.io.PrintWriter out = commandSpec.commandLine().getOut();
    out.print(ProfileReport.text(facts));
    out.flush();
    Path dir = output;
    if (dir == null) {
      String name = csv.getFileName().toString();
      int dot = name.lastIndexOf('.');
      dir = Path.of((dot > 0 ? name.substring(0, dot) : name) + "-profile");
    }
    List<Path> written = ProfileReport.write(facts, dir);
    java.io.PrintWriter err = commandSpec.commandLine().getErr();
    written.forEach(file -> err.println("wrote " + file));
    err.flush();
    return 0;
  }
}
