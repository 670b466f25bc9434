package io.streamtune.launcher;

import ai.djl.Device;
import io.streamtune.model.ModelStore;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.trainer.TrainerKinds;
import io.streamtune.trainer.selection.Candidate;
import io.streamtune.trainer.selection.Candidates;
import io.streamtune.trainer.selection.ModelSelection;
import io.streamtune.trainer.selection.Ranking;
import io.streamtune.trainer.selection.SelectionBudget;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(
    name = "select",
    mixinStandardHelpOptions = true,
    description = {
      "Model selection: trains every candidate of the spec's modality on the same seeded"
          + " stratified folds (k-fold up to 2,000 examples, one 80/20 holdout above) and prints"
          + " them ranked by macro F1 with a 95%% bootstrap CI, accuracy, training time, latency"
          + " per example, parameters, and whether each is significantly worse than the best"
          + " (paired bootstrap, p < 0.05).",
      "Candidates are named as in trainer.backbone with a variant suffix (mlp[64,32],"
          + " minilm-finetune:full, mnist-cnn:partial); README.md \"Choosing a model\" lists them,"
          + " and an unknown name is answered with the allowed ones.",
      "Writes report.md, report.json, ranking.png and one confusion matrix PNG per candidate to"
          + " --report; with --write-spec, the spec with the winner's trainer section."
    })
final class SelectCommand implements Callable<Integer> {

  @Option(names = "--pipeline", required = true, description = "Pipeline spec (YAML)")
  Path pipeline;

  @Option(
      names = "--input",
      required = true,
      description =
          "The data, as prepare reads it: CSV; IDX images or an image folder; JSONL / CSV texts")
  Path input;

  @Option(names = "--labels", description = "Image specs: the IDX label file of --input")
  Path labels;

  @Option(
      names = "--candidates",
      split = ",",
      description =
          "Only these candidates (names as in trainer.backbone, e.g. tfidf,minilm; a backbone"
              + " alone, e.g. mlp, stands for its variants) (default: all of the modality)")
  List<String> candidates;

  @Option(
      names = "--budget",
      description =
          "Time budget of the whole selection, e.g. 90s, 10m, 1h: candidates are run cheapest"
              + " first and those that would not fit are listed as skipped (default: none)")
  String budget;

  @Option(
      names = "--folds",
      defaultValue = "0",
      description =
          "k for stratified k-fold (>= 2), 1 for one 80/20 holdout, 0: 5-fold up to 2,000"
              + " examples, holdout above (default: ${DEFAULT-VALUE})")
  int folds;

  @Option(
      names = "--report",
      description = "Directory for report.md, report.json and the PNG charts (default: none)")
  Path report;

  @Option(
      names = "--write-spec",
      description = "Write a copy of the spec whose trainer section is the winner's here")
  Path writeSpec;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of the folds and the bootstrap (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "PyTorch and MiniLM threads (default: ${DEFAULT-VALUE})")
  int threads;

  @picocli.CommandLine.Spec CommandSpec commandSpec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = commandSpec.commandLine().getOut();
    PrintWriter err = commandSpec.commandLine().getErr();
    PipelineSpec spec = PipelineSpecs.load(pipeline);
    if (folds < 0) {
      throw bad("--folds must be 0 (automatic), 1 (holdout) or >= 2, got " + folds);
    }
    if (threads < 1) {
      throw bad("--threads must be >= 1, got " + threads);
    }
    Duration limit = null;
    List<Candidate> chosen;
    try {
      limit = budget == null ? null : SelectionBudget.parse(budget);
      chosen = candidates == null ? Candidates.all(spec) : Candidates.named(spec, candidates);
    } catch (IllegalArgumentException e) {
      throw bad(
          (budget != null && limit == null ? "--budget: " : "--candidates: ") + e.getMessage());
    }
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    SelectionInput.Loaded loaded;
    try {
      loaded = SelectionInput.read(spec, input, labels);
    } catch (IllegalArgumentException e) {
      throw bad("--input " + input + ": " + e.getMessage());
    }
    err.printf(
        "select %s: %,d examples (%,d rejected), candidates %s%n",
        spec.name(),
        loaded.data().size(),
        loaded.rejected(),
        chosen.stream().map(Candidate::name).toList());
    err.flush();
    Path scratch = Files.createTempDirectory("streamtune-select-");
    ModelSelection.Report result;
    try {
      ModelSelection.Options options =
          new ModelSelection.Options(
              folds, limit, Ranking.Settings.defaults(seed), Device.cpu(), threads, scratch);
      result =
          ModelSelection.run(
              spec,
              loaded.data(),
              chosen,
              options,
              TrainerKinds.registry(),
              line -> {
                err.println(line);
                err.flush();
              });
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    } finally {
      ModelStore.deleteQuietly(scratch);
    }
    out.println(SelectionTable.summary(result));
    out.print(SelectionTable.text(result));
    if (result.winner() != null) {
      out.println("winner: " + result.winner().name());
    }
    out.flush();
    if (report != null) {
      Files.createDirectories(report);
      Files.writeString(
          report.resolve("report.md"),
          SelectionTable.markdown(result, "Model selection: " + spec.name()));
      Files.writeString(report.resolve("report.json"), SelectionTable.json(result));
      SelectionCharts.write(result, report);
      err.println("report -> " + report);
    }
    if (writeSpec != null) {
      if (result.winner() == null) {
        throw bad("--write-spec: no candidate ran (all were skipped), so there is no winner");
      }
      PipelineSpec winning = spec.withTrainer(result.winner().trainer());
      Files.writeString(writeSpec, PipelineSpecs.toYaml(winning));
      // what was written must load back with the project's own reader
      PipelineSpecs.load(writeSpec);
      err.println("spec with trainer " + result.winner().name() + " -> " + writeSpec);
    }
    err.flush();
    return 0;
  }

  private ParameterException bad(String message) {
    return new ParameterException(commandSpec.commandLine(), message);
  }
}
