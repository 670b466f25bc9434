package io.streamtune.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.streamtune.spec.PipelineSpec.Modality;
import java.util.List;
import java.util.Map;

/**
 * How the trainer buffers examples and fine-tunes (the {@code trainer} section). Each key is one
 * {@link Setting} below, with its type, default, documentation and allowed values: reading the YAML
 * and {@link #with} check them, naming the key. {@link #validate} adds the rules between keys
 * (which backbone a modality takes, which strategy a backbone allows).
 *
 * <p>Built in code as {@code TrainerSpec.defaults().with(TrainerSpec.EPOCHS, 8)...}.
 */
public final class TrainerSpec extends SettingSection<TrainerSpec> {

  static final String PREFIX = "trainer.";

  /** Named backbones; anything else is a path. */
  public static final String MLP = "mlp";

  public static final String MNIST_CNN = "mnist-cnn";
  public static final String SCRATCH = "scratch";
  public static final String MINILM = "minilm";
  public static final String MINILM_FINETUNE = "minilm-finetune";
  public static final String TFIDF = "tfidf";

  /** Gradient-boosted trees (XGBoost), tabular. */
  public static final String GBT = "gbt";

  /**
   * Every modality: the trainer picks the backbone by model selection on its first full buffer
   * ({@code trainer.selection}).
   */
  public static final String AUTO = "auto";

  private static final List<String> NAMED_BACKBONES =
      List.of(MLP, GBT, MNIST_CNN, SCRATCH, MINILM, MINILM_FINETUNE, TFIDF, AUTO);

  /** Which parameters a round trains. */
  public enum Strategy {
    LINEAR_PROBE,
    PARTIAL,
    FULL
  }

  public enum OptimizerKind {
    ADAM,
    /** With momentum 0.9. */
    SGD
  }

  /** The learning rate over one round's steps. */
  public enum LrSchedule {
    CONSTANT,
    COSINE,
    /** Linear warm-up from 0 over {@code warmupFraction} of the steps, then linear decay to 0. */
    WARMUP_LINEAR
  }

  /** What the buffer does when a concept-drift retrain request arrives. */
  public enum DriftPolicy {
    /** Nothing: the round trains on the buffer as it is. */
    KEEP,
    /** Forget the replayed sample of older examples; the recent ones stay. */
    DROP_REPLAY,
    /** Keep only each class's {@code driftKeepRecent} newest examples. */
    RECENT
  }

  /** Where to train. */
  public enum DeviceKind {
    AUTO,
    CPU,
    GPU
  }

  public static final Setting<Integer> RETRAIN_EVERY =
      Setting.integer(
          "retrainEvery", 500, 1, "Train a new version after this many new training examples.");
  public static final Setting<Integer> MAX_WAIT_SECONDS =
      Setting.integer(
          "maxWaitSeconds",
          30,
          0,
          "Also train when this long has passed since the last round and there are new examples"
              + " (0 disables).");
  public static final Setting<Integer> BUFFER_CAPACITY =
      Setting.integer(
          "bufferCapacity",
          50_000,
          1,
          "Most examples kept in the training buffer, shared equally by the classes.");
  public static final Setting<List<Integer>> HIDDEN_UNITS =
      Setting.integers(
          "hiddenUnits", List.of(32), 1, "Tabular only: hidden layer sizes of the MLP.");
  public static final Setting<Double> LEARNING_RATE =
      Setting.number("learningRate", 0.003, v -> v > 0, "> 0", "The head's learning rate.");
  public static final Setting<Double> WEIGHT_DECAY =
      Setting.number("weightDecay", 0.0001, v -> v >= 0, ">= 0", "L2 weight decay.");
  public static final Setting<Integer> EPOCHS =
      Setting.integer("epochs", 20, 1, "Passes over the buffer per round.");
  public static final Setting<Integer> BATCH_SIZE =
      Setting.integer("batchSize", 64, 1, "Examples per optimizer step.");
  public static final Setting<Long> SEED =
      Setting.longValue(
          "seed", 42L, Long.MIN_VALUE, "Initial weights, and with the round, each shuffle.");
  public static final Setting<Long> BUFFER_MAX_BYTES =
      Setting.longValue(
          "bufferMaxBytes",
          256L << 20,
          1024,
          "Most bytes the buffered examples may take (features, pixels, text).");
  public static final Setting<Double> REPLAY_SHARE =
      Setting.number(
          "replayShare",
          0.5,
          v -> v >= 0 && v <= 1,
          "in [0, 1]",
          "Share of each class's buffer slots kept as a uniform sample of its older examples"
              + " (replay); the rest hold its most recent examples.");
  public static final Setting<DriftPolicy> DRIFT_POLICY =
      Setting.choice(
          "driftPolicy",
          DriftPolicy.class,
          DriftPolicy.RECENT,
          "After a concept-drift retrain request (control topic): keep (train on the buffer as it"
              + " is), drop_replay (forget the replayed older examples) or recent (keep only each"
              + " class's driftKeepRecent newest examples), so the next round learns the new"
              + " concept.");
  public static final Setting<Integer> DRIFT_KEEP_RECENT =
      Setting.integer(
          "driftKeepRecent",
          0,
          0,
          "Under driftPolicy recent: the newest examples per class kept after a concept drift"
              + " (0: none; they mostly hold the old concept, as the labelled examples of the"
              + " new one are still on their way when the drift is detected).");
  public static final Setting<Integer> DRIFT_ROUND_AFTER =
      Setting.integer(
          "driftRoundAfter",
          100,
          0,
          "Under driftPolicy drop_replay or recent: the round a concept drift asks for waits for"
              + " this many new training examples, so it learns the new concept.");
  public static final Setting<String> BACKBONE =
      Setting.text(
          "backbone",
          null,
          v -> !v.isBlank(),
          "not blank",
          "What the model starts from: tabular mlp or gbt (gradient-boosted trees, set up by"
              + " gbt); image mnist-cnn (the shipped MNIST-pretrained"
              + " CNN), scratch (the same CNN from random weights), zoo:resnet18 or zoo:resnet50"
              + " (ImageNet backbones of DJL's PyTorch model zoo, downloaded once into the DJL"
              + " cache) or a path to a TorchScript file, an ONNX file (a frozen feature"
              + " extractor run by ONNX Runtime; linear_probe only) or a DJL model directory (a"
              + " sidecar .json beside the file may declare its input and output); text minilm"
              + " (frozen encoder, a tuned linear head),"
              + " minilm-finetune (all-MiniLM-L6-v2 fine-tuned end to end, set up by transformer)"
              + " or tfidf (hashed word 1-2-gram tf-idf baseline); any modality: auto (picked by"
              + " model selection on the first full buffer, set up by selection). Not written: the"
              + " modality's first.");
  public static final Setting<Strategy> STRATEGY =
      Setting.choice(
          "strategy",
          Strategy.class,
          null,
          "Which parameters train: linear_probe (the head only), partial (the head and the last"
              + " unfreezeLastBlocks backbone blocks) or full. Not written: text linear_probe,"
              + " an ONNX image backbone linear_probe, otherwise full; minilm-finetune takes it"
              + " from transformer.strategy instead.");
  public static final Setting<Integer> UNFREEZE_LAST_BLOCKS =
      Setting.integer(
          "unfreezeLastBlocks", 1, 1, "Backbone blocks (from the top) that train under partial.");
  public static final Setting<Double> BACKBONE_LR_FACTOR =
      Setting.number(
          "backboneLrFactor",
          1.0,
          v -> v > 0 && v <= 10,
          "in (0, 10]",
          "The backbone's learning rate is the head's times this (discriminative rates).");
  public static final Setting<Integer> GRADUAL_UNFREEZING =
      Setting.integer(
          "gradualUnfreezing",
          0,
          0,
          "Epochs after which one more backbone block (from the top) is unfrozen within a round,"
              + " up to what the strategy allows; 0 unfreezes them all at once.");
  public static final Setting<OptimizerKind> OPTIMIZER =
      Setting.choice("optimizer", OptimizerKind.class, OptimizerKind.ADAM, "adam or sgd.");
  public static final Setting<LrSchedule> LR_SCHEDULE =
      Setting.choice(
          "lrSchedule",
          LrSchedule.class,
          LrSchedule.CONSTANT,
          "The learning rate over a round's steps.");
  public static final Setting<Double> WARMUP_FRACTION =
      Setting.share(
          "warmupFraction", 0.1, "Share of a round's steps spent warming up (warmup_linear only).");
  public static final Setting<Double> VALIDATION_FRACTION =
      Setting.number(
          "validationFraction",
          0.0,
          v -> v >= 0 && v <= 0.5,
          "in [0, 0.5] (0 = no early stopping)",
          "Share of the buffer held out of training in each round to stop early and keep the"
              + " best epoch's parameters; 0 disables early stopping.");
  public static final Setting<Integer> EARLY_STOPPING_PATIENCE =
      Setting.integer(
          "earlyStoppingPatience",
          3,
          1,
          "Epochs without a lower validation loss before a round stops.");
  public static final Setting<Double> WARM_ROUND_SCALING =
      Setting.number(
          "warmRoundScaling",
          1.0,
          v -> v >= 0,
          ">= 0 (0 = every round runs all epochs)",
          "A warm round (one that continues from earlier weights) runs epochs x newShare x this"
              + " passes' worth of steps over the buffer (at least one step, at most epochs"
              + " passes), where newShare is the round's share of examples new since the last"
              + " round: as many steps as epochs passes over the new examples alone would take;"
              + " the first round runs all epochs. 0 gives every round all epochs.");
  public static final Setting<Double> WARM_LR_FACTOR =
      Setting.number(
          "warmLrFactor",
          0.3,
          v -> v > 0 && v <= 1,
          "in (0, 1]",
          "A warm round's learning rate is learningRate x (1 - (1 - this) x (1 - newShare)): this"
              + " factor when almost nothing is new, the full rate when everything is (1 = always"
              + " the full rate).");
  public static final Setting<Double> WARM_EMA =
      Setting.share(
          "warmEma",
          0.5,
          "After a warm round the parameters become d x the previous version's + (1 - d) x the"
              + " round's, d = warmEma x (1 - newShare) (an exponential moving average over"
              + " versions, which is what is published and what the next round starts from); 0"
              + " keeps the round's.");
  public static final Setting<DeviceKind> DEVICE =
      Setting.choice(
          "device", DeviceKind.class, null, "Where to train; not written: trainer.device.");
  public static final Setting<Integer> THREADS =
      Setting.integer(
          "threads", null, 1, "PyTorch intra-op threads; not written: trainer.threads.");
  public static final Setting<TransformerSpec> TRANSFORMER =
      Setting.section(
          "transformer",
          TransformerSpec.class,
          raw -> {
            if (!(raw instanceof Map<?, ?> map)) {
              throw new SpecException(
                  "key '" + PREFIX + "transformer' must be a section of keys, got '" + raw + "'");
            }
            return TransformerSpec.read(map);
          },
          "Backbone minilm-finetune only: its fine-tuning keys (TransformerSpec).");
  public static final Setting<GbtSpec> GBT_SECTION =
      Setting.section(
          "gbt",
          GbtSpec.class,
          raw -> {
            if (!(raw instanceof Map<?, ?> map)) {
              throw new SpecException(
                  "key '" + PREFIX + "gbt' must be a section of keys, got '" + raw + "'");
            }
            return GbtSpec.read(map);
          },
          "Backbone gbt only: its tree-boosting keys (GbtSpec).");
  public static final Setting<SelectionSpec> SELECTION =
      Setting.section(
          "selection",
          SelectionSpec.class,
          raw -> {
            if (!(raw instanceof Map<?, ?> map)) {
              throw new SpecException(
                  "key '" + PREFIX + "selection' must be a section of keys, got '" + raw + "'");
            }
            return SelectionSpec.read(map);
          },
          "Backbone auto only: how the backbone is selected (SelectionSpec).");

  /** Every key of the section. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          RETRAIN_EVERY,
          MAX_WAIT_SECONDS,
          BUFFER_CAPACITY,
          HIDDEN_UNITS,
          LEARNING_RATE,
          WEIGHT_DECAY,
          EPOCHS,
          BATCH_SIZE,
          SEED,
          BUFFER_MAX_BYTES,
          REPLAY_SHARE,
          DRIFT_POLICY,
          DRIFT_KEEP_RECENT,
          DRIFT_ROUND_AFTER,
          BACKBONE,
          STRATEGY,
          UNFREEZE_LAST_BLOCKS,
          BACKBONE_LR_FACTOR,
          GRADUAL_UNFREEZING,
          OPTIMIZER,
          LR_SCHEDULE,
          WARMUP_FRACTION,
          VALIDATION_FRACTION,
          EARLY_STOPPING_PATIENCE,
          WARM_ROUND_SCALING,
          WARM_LR_FACTOR,
          WARM_EMA,
          DEVICE,
          THREADS,
          TRANSFORMER,
          GBT_SECTION,
          SELECTION);

  private TrainerSpec(SettingValues values) {
    super(values);
  }

  @Override
  protected TrainerSpec copy(SettingValues changed) {
    return new TrainerSpec(changed);
  }

  /** Every key at its default. */
  public static TrainerSpec defaults() {
    return new TrainerSpec(SettingValues.empty(PREFIX, SETTINGS));
  }

  /**
   * Reads the section's YAML map.
   *
   * @throws SpecException naming an unknown key or a refused value with what it allows
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static TrainerSpec read(Map<String, Object> raw) {
    return new TrainerSpec(SettingValues.read(PREFIX, SETTINGS, raw));
  }

  /** The keys written, as YAML writes them. */
  @JsonValue
  Map<String, Object> toYaml() {
    return values().toYaml();
  }

  public TrainerSpec withRetrainEvery(int examples) {
    return with(RETRAIN_EVERY, examples);
  }

  public Integer retrainEvery() {
    return get(RETRAIN_EVERY);
  }

  public Integer maxWaitSeconds() {
    return get(MAX_WAIT_SECONDS);
  }

  public Integer bufferCapacity() {
    return get(BUFFER_CAPACITY);
  }

  public List<Integer> hiddenUnits() {
    return get(HIDDEN_UNITS);
  }

  public Double learningRate() {
    return get(LEARNING_RATE);
  }

  public Double weightDecay() {
    return get(WEIGHT_DECAY);
  }

  public Integer epochs() {
    return get(EPOCHS);
  }

  public Integer batchSize() {
    return get(BATCH_SIZE);
  }

  public Long seed() {
    return get(SEED);
  }

  public Long bufferMaxBytes() {
    return get(BUFFER_MAX_BYTES);
  }

  public Double replayShare() {
    return get(REPLAY_SHARE);
  }

  public DriftPolicy driftPolicy() {
    return get(DRIFT_POLICY);
  }

  public Integer driftKeepRecent() {
    return get(DRIFT_KEEP_RECENT);
  }

  public Integer driftRoundAfter() {
    return get(DRIFT_ROUND_AFTER);
  }

  /** As written; {@link #backboneFor} gives the one in effect. */
  public String backbone() {
    return get(BACKBONE);
  }

  /** As written; {@link #strategyFor} gives the one in effect. */
  public Strategy strategy() {
    return get(STRATEGY);
  }

  public Integer unfreezeLastBlocks() {
    return get(UNFREEZE_LAST_BLOCKS);
  }

  public Double backboneLrFactor() {
    return get(BACKBONE_LR_FACTOR);
  }

  public Integer gradualUnfreezing() {
    return get(GRADUAL_UNFREEZING);
  }

  public OptimizerKind optimizer() {
    return get(OPTIMIZER);
  }

  public LrSchedule lrSchedule() {
    return get(LR_SCHEDULE);
  }

  public Double warmupFraction() {
    return get(WARMUP_FRACTION);
  }

  public Double validationFraction() {
    return get(VALIDATION_FRACTION);
  }

  public Integer earlyStoppingPatience() {
    return get(EARLY_STOPPING_PATIENCE);
  }

  public Double warmRoundScaling() {
    return get(WARM_ROUND_SCALING);
  }

  public Double warmLrFactor() {
    return get(WARM_LR_FACTOR);
  }

  public Double warmEma() {
    return get(WARM_EMA);
  }

  /** Null when not written: the service's {@code trainer.device} decides. */
  public DeviceKind device() {
    return get(DEVICE);
  }

  /** Null when not written: the service's {@code trainer.threads} decides. */
  public Integer threads() {
    return get(THREADS);
  }

  /** The {@code transformer} section as written, null when absent. */
  public TransformerSpec transformer() {
    return get(TRANSFORMER);
  }

  /** The {@code gbt} section as written, its defaults when absent. */
  public GbtSpec gbt() {
    GbtSpec section = get(GBT_SECTION);
    return section == null ? GbtSpec.defaults() : section;
  }

  /** The {@code selection} section as written, its defaults when absent. */
  public SelectionSpec selection() {
    SelectionSpec section = get(SELECTION);
    return section == null ? SelectionSpec.defaults() : section;
  }

  /** The backbone in effect for a modality. */
  public String backboneFor(Modality modality) {
    String backbone = backbone();
    if (backbone != null) {
      return backbone;
    }
    return switch (modality) {
      case TABULAR -> MLP;
      case IMAGE -> MNIST_CNN;
      case TEXT -> MINILM;
    };
  }

  /** The strategy in effect for a modality. */
  public Strategy strategyFor(Modality modality) {
    if (strategy() != null) {
      return strategy();
    }
    if (modality == Modality.TEXT && MINILM_FINETUNE.equals(backboneFor(modality))) {
      TransformerSpec section = transformer() == null ? TransformerSpec.defaults() : transformer();
      return switch (section.get(TransformerSpec.STRATEGY)) {
        case FROZEN -> Strategy.LINEAR_PROBE;
        case LAST_K -> Strategy.PARTIAL;
        case FULL -> Strategy.FULL;
      };
    }
    if (modality == Modality.IMAGE && ImageBackbones.isOnnx(backboneFor(modality))) {
      return Strategy.LINEAR_PROBE; // ONNX Runtime cannot train: a frozen feature extractor
    }
    return modality == Modality.TEXT ? Strategy.LINEAR_PROBE : Strategy.FULL;
  }

  /** True when {@link #backboneFor} names a file or directory rather than a known backbone. */
  public boolean backboneIsPath(Modality modality) {
    String backbone = backboneFor(modality);
    return !NAMED_BACKBONES.contains(backbone) && !ImageBackbones.isZoo(backbone);
  }

  /**
   * Checks the rules between keys (each key's own values are checked when it is read or set); every
   * message names the key. The rules are {@link TrainerSpecRules}.
   */
  public void validate(String origin, Modality modality) {
    TrainerSpecRules.validate(this, origin, modality);
  }
}
