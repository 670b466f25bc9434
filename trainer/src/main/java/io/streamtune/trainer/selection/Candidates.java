package io.streamtune.trainer.selection;

import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpec.Modality;
import io.streamtune.spec.TrainerSpec;
import io.streamtune.spec.TransformerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The candidates of each modality that {@code streamtune select} compares. Adding one is one {@link
 * #entry} line: its name, modality, what it changes in the spec's {@code trainer} section, what it
 * cut to fit a CPU, and its cost prior.
 *
 * <p>Each candidate starts from the spec's own {@code trainer} section (seed, learning rate,
 * epochs, early stopping... stay as the user wrote them) with the keys that pick a model cleared
 * ({@code backbone}, {@code strategy}, {@code transformer}, {@code hiddenUnits}) and then set.
 */
public final class Candidates {

  /** Tokens per text of the fine-tuned MiniLM candidates: a CPU budget (the model takes 512). */
  public static final int FINETUNE_MAX_LENGTH = 64;

  /** Epochs of the fine-tuned MiniLM candidates on a CPU. */
  public static final int FINETUNE_EPOCHS = 3;

  private record Entry(
      Modality modality, UnaryOperator<TrainerSpec> variant, String sizing, double cost) {}

  /**
   * Cost priors: seconds per training example for one training run, measured roughly on this
   * project's 2-core machine (docs/benchmarks.md); only their order and magnitude matter.
   */
  private static final double TABULAR_COST = 4e-4;

  private static final double TFIDF_COST = 2e-3;
  private static final double MINILM_COST = 0.03;
  private static final double FINETUNE_FULL_COST_PER_EPOCH = 0.08;
  private static final double FINETUNE_LAST_K_COST_PER_EPOCH = 0.05;
  private static final double CNN_COST = 4e-3;

  private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

  static {
    entry("logreg", Modality.TABULAR, mlp(), "", TABULAR_COST / 2);
    entry("mlp[16]", Modality.TABULAR, mlp(16), "", TABULAR_COST);
    entry("mlp[64,32]", Modality.TABULAR, mlp(64, 32), "", 2 * TABULAR_COST);
    entry("mlp[128,64,32]", Modality.TABULAR, mlp(128, 64, 32), "", 4 * TABULAR_COST);
    entry("gbt", Modality.TABULAR, backbone(TrainerSpec.GBT), "", TABULAR_COST / 2);
    entry("tfidf", Modality.TEXT, backbone(TrainerSpec.TFIDF), "", TFIDF_COST);
    entry("minilm", Modality.TEXT, backbone(TrainerSpec.MINILM), "", MINILM_COST);
    entry(
        "minilm-finetune:last_k",
        Modality.TEXT,
        fineTuned(TransformerSpec.Strategy.LAST_K),
        fineTuneSizing(),
        FINETUNE_LAST_K_COST_PER_EPOCH * FINETUNE_EPOCHS);
    entry(
        "minilm-finetune:full",
        Modality.TEXT,
        fineTuned(TransformerSpec.Strategy.FULL),
        fineTuneSizing(),
        FINETUNE_FULL_COST_PER_EPOCH * FINETUNE_EPOCHS);
    entry("scratch", Modality.IMAGE, cnn(TrainerSpec.SCRATCH, null), "", CNN_COST);
    entry(
        "mnist-cnn:linear_probe",
        Modality.IMAGE,
        cnn(TrainerSpec.MNIST_CNN, TrainerSpec.Strategy.LINEAR_PROBE),
        "",
        CNN_COST / 2);
    entry(
        "mnist-cnn:partial",
        Modality.IMAGE,
        cnn(TrainerSpec.MNIST_CNN, TrainerSpec.Strategy.PARTIAL),
        "",
        CNN_COST * 0.7);
    entry(
        "mnist-cnn:full",
        Modality.IMAGE,
        cnn(TrainerSpec.MNIST_CNN, TrainerSpec.Strategy.FULL),
        "",
        CNN_COST);
  }

  private Candidates() {}

  private static void entry(
      String name,
      Modality modality,
      UnaryOperator<TrainerSpec> variant,
      String sizing,
      double cost) {
    ENTRIES.put(name, new Entry(modality, variant, sizing, cost));
  }

  /** The candidate names of a modality, in catalogue order. */
  public static List<String> names(Modality modality) {
    List<String> names = new ArrayList<>();
    ENTRIES.forEach(
        (name, entry) -> {
          if (entry.modality() == modality) {
            names.add(name);
          }
        });
    return names;
  }

  /** Every candidate of the spec's modality. */
  public static List<Candidate> all(PipelineSpec spec) {
    return named(spec, names(spec.modality()));
  }

  /**
   * The named candidates, in the order given; a backbone name alone ({@code mlp}, {@code
   * minilm-finetune}, {@code mnist-cnn}) stands for its variants.
   *
   * @throws IllegalArgumentException for an unknown name or one of another modality, listing the
   *     names the modality allows
   */
  public static List<Candidate> named(PipelineSpec spec, List<String> requested) {
    Modality modality = spec.modality();
    List<String> allowed = names(modality);
    if (requested.isEmpty()) {
      throw new IllegalArgumentException(
          "no candidates named; allowed for " + modalityName(modality) + ": " + allowed);
    }
    List<Candidate> out = new ArrayList<>();
    for (String raw : requested) {
      String name = raw.trim();
      List<String> matching =
          allowed.contains(name)
              ? List.of(name)
              : allowed.stream()
                  .filter(n -> n.startsWith(name + ":") || n.startsWith(name + "["))
                  .toList();
      if (matching.isEmpty()) {
        Entry other = ENTRIES.get(name);
        throw new IllegalArgumentException(
            "candidate '"
                + name
                + "' "
                + (other != null
                    ? "is for "
                        + modalityName(other.modality())
                        + " data, not "
                        + modalityName(modality)
                    : "is unknown")
                + "; allowed for "
                + modalityName(modality)
                + ": "
                + allowed);
      }
      for (String match : matching) {
        if (out.stream().noneMatch(c -> c.name().equals(match))) {
          out.add(candidate(spec, match));
        }
      }
    }
    return out;
  }

  private static Candidate candidate(PipelineSpec spec, String name) {
    Entry entry = ENTRIES.get(name);
    TrainerSpec cleared =
        spec.trainer()
            .with(TrainerSpec.BACKBONE, null)
            .with(TrainerSpec.STRATEGY, null)
            .with(TrainerSpec.TRANSFORMER, null)
            .with(TrainerSpec.HIDDEN_UNITS, null)
            .with(TrainerSpec.SELECTION, null);
    TrainerSpec trainer = entry.variant().apply(cleared);
    if (name.startsWith(TrainerSpec.MINILM_FINETUNE)) {
      trainer = fineTuneFrom(spec.trainer().transformer(), trainer);
    }
    trainer.validate("candidate " + name, spec.modality());
    return new Candidate(name, trainer, entry.sizing(), entry.cost());
  }

  private static String modalityName(Modality modality) {
    return modality.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static UnaryOperator<TrainerSpec> mlp(Integer... hiddenUnits) {
    return t ->
        t.with(TrainerSpec.BACKBONE, TrainerSpec.MLP)
            .with(TrainerSpec.HIDDEN_UNITS, List.of(hiddenUnits));
  }

  private static UnaryOperator<TrainerSpec> backbone(String backbone) {
    return t -> t.with(TrainerSpec.BACKBONE, backbone);
  }

  private static UnaryOperator<TrainerSpec> cnn(String backbone, TrainerSpec.Strategy strategy) {
    return t -> t.with(TrainerSpec.BACKBONE, backbone).with(TrainerSpec.STRATEGY, strategy);
  }

  /** The strategy goes into {@code trainer.transformer}; sizing and the rest in fineTuneFrom. */
  private static UnaryOperator<TrainerSpec> fineTuned(TransformerSpec.Strategy strategy) {
    return t ->
        t.with(TrainerSpec.BACKBONE, TrainerSpec.MINILM_FINETUNE)
            .with(
                TrainerSpec.TRANSFORMER,
                TransformerSpec.defaults().with(TransformerSpec.STRATEGY, strategy));
  }

  /**
   * The spec's own transformer keys (learning rates, batch size...) when it has them, with the
   * candidate's strategy, and tokens and epochs capped to what a CPU run can afford.
   */
  private static TrainerSpec fineTuneFrom(TransformerSpec written, TrainerSpec candidate) {
    TransformerSpec strategyOnly = candidate.transformer();
    TransformerSpec base = written == null ? TransformerSpec.defaults() : written;
    TransformerSpec sized =
        base.with(TransformerSpec.STRATEGY, strategyOnly.get(TransformerSpec.STRATEGY))
            .with(
                TransformerSpec.MAX_LENGTH,
                Math.min(base.get(TransformerSpec.MAX_LENGTH), FINETUNE_MAX_LENGTH))
            .with(TransformerSpec.EPOCHS, FINETUNE_EPOCHS);
    return candidate.with(TrainerSpec.TRANSFORMER, sized);
  }

  private static String fineTuneSizing() {
    return "maxLength <= " + FINETUNE_MAX_LENGTH + ", " + FINETUNE_EPOCHS + " epochs";
  }
}
