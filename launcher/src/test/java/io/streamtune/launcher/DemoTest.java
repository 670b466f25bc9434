package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.dashboard.web.DashboardSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo on a CSV it has never seen: types, categories and classes inferred from the file. */
class DemoTest {

  /** 600 rows: two numeric columns, one categorical, a 3-class label that depends on them. */
  static Path unseenCsv(Path dir) throws Exception {
    Random random = new Random(7);
    StringBuilder csv = new StringBuilder("width,height,colour,kind\n");
    for (int i = 0; i < 600; i++) {
      double width = random.nextGaussian() * 3 + 10;
      double height = random.nextGaussian() * 3 + 10;
      String colour = new String[] {"red", "green", "blue"}[random.nextInt(3)];
      String kind = width > 11 ? "wide" : height > 11 ? "tall" : "small";
      csv.append(String.format(Locale.ROOT, "%.3f,%.3f,%s,%s%n", width, height, colour, kind));
    }
    Path file = dir.resolve("shapes.csv");
    Files.writeString(file, csv);
    return file;
  }

  @Test
  void runsOnAnUnseenCsvUntilTheAskedVersions(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    Demo.Outcome outcome =
        new Demo(out, DashboardSettings.anyFreePort())
            .run(
                new Demo.Options(
                    unseenCsv(dir),
                    null,
                    "kind",
                    null,
                    null,
                    2,
                    0,
                    null,
                    dir.resolve("work"),
                    2,
                    2,
                    0,
                    0,
                    Duration.ofSeconds(90),
                    null));

    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(outcome.exitCode()).as(printed).isZero();
    assertThat(printed).containsPattern("dashboard: http://127\\.0\\.0\\.1:\\d+/");
    assertThat(printed).contains("pipeline shapes: shapes.csv (600 rows), 3 columns -> 6 features");
    // 600 rows are too few for the default retrainEvery of 500 per version: the demo lowers it.
    assertThat(printed).contains("training a version every 216 examples");
    assertThat(outcome.reports()).hasSizeGreaterThanOrEqualTo(2);
    // Exactly the asked number of version lines, even if more versions finish while it stops.
    assertThat(printed.lines().filter(line -> line.startsWith("version ")).count()).isEqualTo(2);
    assertThat(outcome.reports().get(0).getLabels())
        .containsExactlyInAnyOrder("small", "wide", "tall");
  }
}
