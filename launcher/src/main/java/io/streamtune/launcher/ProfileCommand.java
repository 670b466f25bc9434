package io.streamtune.launcher;

import io.streamtune.ingest.CsvSchemaInference;
import io.streamtune.ingest.ProfileReport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "profile",
    mixinStandardHelpOptions = true,
    description =
        "Data-quality report of a CSV file: per column its type, missing share, cells that are not"
            + " numbers (with examples), distinct values, min/quartiles/max, IQR outliers and top"
            + " values; the label's balance; suspected ids and leaks. Printed as a table and"
            + " written as Markdown and HTML with small histograms.")
final class ProfileCommand implements Callable<Integer> {

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
    System.out.print(ProfileReport.text(facts));
    System.out.flush();
    Path dir = output;
    if (dir == null) {
      String name = csv.getFileName().toString();
      int dot = name.lastIndexOf('.');
      dir = Path.of((dot > 0 ? name.substring(0, dot) : name) + "-profile");
    }
    List<Path> written = ProfileReport.write(facts, dir);
    written.forEach(file -> System.err.println("wrote " + file));
    return 0;
  }
}
