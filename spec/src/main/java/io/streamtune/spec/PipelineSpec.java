package io.streamtune.spec;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one pipeline spec every service reads: what the data looks like and how each stage treats it.
 * Every key has a documented default (docs in README.md, "Pipeline spec"); unknown keys are errors.
 * Serializable (with every section) because the Flink job hands the parsed spec to its operators
 * instead of YAML each operator would parse again.
 *
 * @param columns feature columns in the order they become features; the label column is not one
 */
public record PipelineSpec(
    String name,
    Modality modality,
    LabelSpec label,
    Map<String, ColumnSpec> columns,
    SplitSpec split,
    PreprocessSpec preprocess,
    TrainerSpec trainer,
    EvaluatorSpec evaluator,
    SamplingSpec sampling,
    ImageSpec image,
    TextSpec text,
    AugmentSpec augment)
    implements Serializable {

  public PipelineSpec {
    name = name == null ? "pipeline" : name;
    modality = modality == null ? Modality.TABULAR : modality;
    if (modality != Modality.TABULAR && label != null && label.column() == null) {
      // images and texts carry their label in the record; the name is for files (prepare)
      label = new LabelSpec("label", label.classes());
    }
    columns =
        columns == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    split = split == null ? SplitSpec.defaults() : split;
    preprocess = preprocess == null ? PreprocessSpec.defaults() : preprocess;
    trainer = trainer == null ? TrainerSpec.defaults() : trainer;
    evaluator = evaluator == null ? EvaluatorSpec.defaults() : evaluator;
    sampling = sampling == null ? SamplingSpec.defaults() : sampling;
    text = text == null && modality == Modality.TEXT ? TextSpec.defaults() : text;
    augment = augment == null ? AugmentSpec.defaults() : augment;
  }

  /** A spec without the image, text and augment sections (tabular). */
  public PipelineSpec(
      String name,
      Modality modality,
      LabelSpec label,
      Map<String, ColumnSpec> columns,
      SplitSpec split,
      PreprocessSpec preprocess,
      TrainerSpec trainer,
      EvaluatorSpec evaluator,
      SamplingSpec sampling) {
    this(
        name,
        modality,
        label,
        columns,
        split,
        preprocess,
        trainer,
        evaluator,
        sampling,
        null,
        null,
        null);
  }

  /** A spec without a {@code sampling} section (it takes its defaults: no resampling). */
  public PipelineSpec(
      String name,
      Modality modality,
      LabelSpec label,
      Map<String, ColumnSpec> columns,
      SplitSpec split,
      PreprocessSpec preprocess,
      TrainerSpec trainer,
      EvaluatorSpec evaluator) {
    this(name, modality, label, columns, split, preprocess, trainer, evaluator, null);
  }

  public enum Modality {
    TABULAR,
    IMAGE,
    TEXT
  }

  public enum ColumnType {
    NUMERIC,
    CATEGORICAL
  }

  /**
   * @param classes every label value, in the order of the model's outputs
   */
  public record LabelSpec(String column, List<String> classes) implements Serializable {
    public LabelSpec {
      classes = classes == null ? List.of() : List.copyOf(classes);
    }
  }

  /**
   * @param categories known categories of a categorical column, in one-hot order
   */
  public record ColumnSpec(ColumnType type, List<String> categories) implements Serializable {
    public ColumnSpec {
      categories = categories == null ? List.of() : List.copyOf(categories);
    }

    public static ColumnSpec numeric() {
      return new ColumnSpec(ColumnType.NUMERIC, List.of());
    }

    public static ColumnSpec categorical(List<String> categories) {
      return new ColumnSpec(ColumnType.CATEGORICAL, categories);
    }
  }

  /**
   * @param holdoutFraction share of record ids that go to the holdout
   * @param salt mixed into the id hash, so two pipelines can split the same ids differently
   */
  public record SplitSpec(Double holdoutFraction, String salt) implements Serializable {
    public SplitSpec {
      holdoutFraction = holdoutFraction == null ? 0.2 : holdoutFraction;
      salt = salt == null ? "streamtune" : salt;
    }

    public static SplitSpec defaults() {
      return new SplitSpec(null, null);
    }
  }

  /**
   * How the trainer buffers examples and fine-tunes (the {@code trainer} section). Every key has a
   * default; {@link #validate} names the key and its allowed values when one is wrong.
   *
   * @param retrainEvery train a new version after this many new training examples
   * @param maxWaitSeconds also train when this long has passed since the last round and there are
   *     new examples (0 disables)
   * @param bufferCapacity most examples kept in the training buffer, shared equally by the classes
   * @param hiddenUnits tabular only: hidden layer sizes of the MLP
   * @param bufferMaxBytes most bytes the buffered examples may take (features, pixels, text)
   * @param replayShare share of each class's buffer slots kept as a uniform sample of its older
   *     examples (replay); the rest hold its most recent examples
   * @param backbone what the model starts from: tabular {@code mlp}; image {@code mnist-cnn} (the
   *     shipped MNIST-pretrained CNN), {@code scratch} (the same CNN from random weights) or a path
   *     to a TorchScript file or DJL model directory; text {@code minilm} (frozen encoder, a tuned
   *     linear head), {@code minilm-finetune} (all-MiniLM-L6-v2 fine-tuned end to end, set up by
   *     {@code transformer}) or {@code tfidf} (hashed word 1-2-gram tf-idf baseline). Null means
   *     the modality's default
   * @param strategy which parameters train: {@code linear_probe} (the head only), {@code partial}
   *     (the head and the last {@code unfreezeLastBlocks} backbone blocks) or {@code full}. Null
   *     means the modality's default (text: linear_probe, otherwise full); backbone {@code
   *     minilm-finetune} takes it from {@code transformer.strategy} instead
   * @param backboneLrFactor the backbone's learning rate is the head's times this (discriminative
   *     learning rates)
   * @param gradualUnfreezing epochs after which one more backbone block (from the top) is unfrozen
   *     within a round, up to what the strategy allows; 0 unfreezes them all at once
   * @param warmupFraction share of a round's steps spent warming up ({@code warmup_linear} only)
   * @param validationFraction share of the buffer held out of training in each round to stop early
   *     and keep the best epoch's parameters; 0 disables early stopping
   * @param earlyStoppingPatience epochs without a lower validation loss before a round stops
   * @param device where to train; null means the service's {@code trainer.device}
   * @param threads PyTorch intra-op threads; null means the service's {@code trainer.threads}
   * @param transformer backbone {@code minilm-finetune} only: the fine-tuning keys of {@code
   *     io.streamtune.model.text.bert.TransformerFineTuneConfig} (checked when the trainer starts);
   *     null takes their defaults
   */
  public record TrainerSpec(
      Integer retrainEvery,
      Integer maxWaitSeconds,
      Integer bufferCapacity,
      List<Integer> hiddenUnits,
      Double learningRate,
      Double weightDecay,
      Integer epochs,
      Integer batchSize,
      Long seed,
      Long bufferMaxBytes,
      Double replayShare,
      String backbone,
      Strategy strategy,
      Integer unfreezeLastBlocks,
      Double backboneLrFactor,
      Integer gradualUnfreezing,
      OptimizerKind optimizer,
      LrSchedule lrSchedule,
      Double warmupFraction,
      Double validationFraction,
      Integer earlyStoppingPatience,
      DeviceKind device,
      Integer threads,
      Map<String, Object> transformer)
      implements Serializable {

    /** Named backbones; anything else is a path. */
    public static final String MLP = "mlp";

    public static final String MNIST_CNN = "mnist-cnn";
    public static final String SCRATCH = "scratch";
    public static final String MINILM = "minilm";
    public static final String MINILM_FINETUNE = "minilm-finetune";
    public static final String TFIDF = "tfidf";

    /** Values of {@code transformer.strategy}, as {@link Strategy} names them. */
    private static final Map<String, Strategy> TRANSFORMER_STRATEGIES =
        Map.of("frozen", Strategy.LINEAR_PROBE, "last_k", Strategy.PARTIAL, "full", Strategy.FULL);

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

    public enum DeviceKind {
      AUTO,
      CPU,
      GPU
    }

    public TrainerSpec {
      retrainEvery = retrainEvery == null ? 500 : retrainEvery;
      maxWaitSeconds = maxWaitSeconds == null ? 30 : maxWaitSeconds;
      bufferCapacity = bufferCapacity == null ? 50_000 : bufferCapacity;
      hiddenUnits = hiddenUnits == null ? List.of(32) : List.copyOf(hiddenUnits);
      learningRate = learningRate == null ? 0.003 : learningRate;
      weightDecay = weightDecay == null ? 0.0001 : weightDecay;
      epochs = epochs == null ? 20 : epochs;
      batchSize = batchSize == null ? 64 : batchSize;
      seed = seed == null ? 42L : seed;
      bufferMaxBytes = bufferMaxBytes == null ? 256L << 20 : bufferMaxBytes;
      replayShare = replayShare == null ? 0.5 : replayShare;
      unfreezeLastBlocks = unfreezeLastBlocks == null ? 1 : unfreezeLastBlocks;
      backboneLrFactor = backboneLrFactor == null ? 1.0 : backboneLrFactor;
      gradualUnfreezing = gradualUnfreezing == null ? 0 : gradualUnfreezing;
      optimizer = optimizer == null ? OptimizerKind.ADAM : optimizer;
      lrSchedule = lrSchedule == null ? LrSchedule.CONSTANT : lrSchedule;
      warmupFraction = warmupFraction == null ? 0.1 : warmupFraction;
      validationFraction = validationFraction == null ? 0.0 : validationFraction;
      earlyStoppingPatience = earlyStoppingPatience == null ? 3 : earlyStoppingPatience;
      transformer =
          transformer == null
              ? null
              : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(transformer));
    }

    /** Every key but {@code transformer}. */
    public TrainerSpec(
        Integer retrainEvery,
        Integer maxWaitSeconds,
        Integer bufferCapacity,
        List<Integer> hiddenUnits,
        Double learningRate,
        Double weightDecay,
        Integer epochs,
        Integer batchSize,
        Long seed,
        Long bufferMaxBytes,
        Double replayShare,
        String backbone,
        Strategy strategy,
        Integer unfreezeLastBlocks,
        Double backboneLrFactor,
        Integer gradualUnfreezing,
        OptimizerKind optimizer,
        LrSchedule lrSchedule,
        Double warmupFraction,
        Double validationFraction,
        Integer earlyStoppingPatience,
        DeviceKind device,
        Integer threads) {
      this(
          retrainEvery,
          maxWaitSeconds,
          bufferCapacity,
          hiddenUnits,
          learningRate,
          weightDecay,
          epochs,
          batchSize,
          seed,
          bufferMaxBytes,
          replayShare,
          backbone,
          strategy,
          unfreezeLastBlocks,
          backboneLrFactor,
          gradualUnfreezing,
          optimizer,
          lrSchedule,
          warmupFraction,
          validationFraction,
          earlyStoppingPatience,
          device,
          threads,
          null);
    }

    /** The tabular trainer's keys; the others take their defaults. */
    public TrainerSpec(
        Integer retrainEvery,
        Integer maxWaitSeconds,
        Integer bufferCapacity,
        List<Integer> hiddenUnits,
        Double learningRate,
        Double weightDecay,
        Integer epochs,
        Integer batchSize,
        Long seed) {
      this(
          retrainEvery,
          maxWaitSeconds,
          bufferCapacity,
          hiddenUnits,
          learningRate,
          weightDecay,
          epochs,
          batchSize,
          seed,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null);
    }

    public static TrainerSpec defaults() {
      return new TrainerSpec(null, null, null, null, null, null, null, null, null);
    }

    /** The backbone in effect for a modality. */
    public String backboneFor(Modality modality) {
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
      if (strategy != null) {
        return strategy;
      }
      if (modality == Modality.TEXT && MINILM_FINETUNE.equals(backboneFor(modality))) {
        Object value = transformer == null ? null : transformer.get("strategy");
        return value == null
            ? Strategy.FULL
            : TRANSFORMER_STRATEGIES.getOrDefault(
                value.toString().toLowerCase(java.util.Locale.ROOT), Strategy.FULL);
      }
      return modality == Modality.TEXT ? Strategy.LINEAR_PROBE : Strategy.FULL;
    }

    /** True when {@link #backboneFor} names a file or directory rather than a known backbone. */
    public boolean backboneIsPath(Modality modality) {
      String name = backboneFor(modality);
      return !List.of(MLP, MNIST_CNN, SCRATCH, MINILM, MINILM_FINETUNE, TFIDF).contains(name);
    }

    /** Checks the keys the types alone cannot; every message names the key. */
    public void validate(String origin, Modality modality) {
      String name = backboneFor(modality);
      switch (modality) {
        case TABULAR -> {
          if (!MLP.equals(name)) {
            throw invalid(origin, "backbone", name, "[mlp]");
          }
        }
        case IMAGE -> {
          if (backboneIsPath(modality)) {
            java.nio.file.Path path = java.nio.file.Path.of(name);
            if (!java.nio.file.Files.isRegularFile(path)
                && !java.nio.file.Files.isDirectory(path)) {
              throw new SpecException(
                  origin
                      + ": key 'trainer.backbone' names '"
                      + name
                      + "', which is neither a known backbone nor an existing file or directory;"
                      + " allowed values: [mnist-cnn, scratch, <path to a TorchScript file or DJL"
                      + " model directory>]");
            }
          } else if (!MNIST_CNN.equals(name) && !SCRATCH.equals(name)) {
            throw invalid(
                origin,
                "backbone",
                name,
                "[mnist-cnn, scratch, <path to a TorchScript file or DJL model directory>]");
          }
        }
        case TEXT -> {
          if (!MINILM.equals(name) && !MINILM_FINETUNE.equals(name) && !TFIDF.equals(name)) {
            throw invalid(origin, "backbone", name, "[minilm, minilm-finetune, tfidf]");
          }
        }
      }
      boolean fineTunedTransformer = modality == Modality.TEXT && MINILM_FINETUNE.equals(name);
      if (transformer != null && !fineTunedTransformer) {
        throw new SpecException(
            origin
                + ": key 'trainer.transformer' applies to backbone minilm-finetune only (text);"
                + " the backbone is '"
                + name
                + "'");
      }
      if (fineTunedTransformer) {
        if (strategy != null) {
          throw new SpecException(
              origin
                  + ": key 'trainer.strategy' does not apply to backbone minilm-finetune; set"
                  + " 'trainer.transformer.strategy' to one of "
                  + List.of("frozen", "last_k", "full"));
        }
        Object value = transformer == null ? null : transformer.get("strategy");
        if (value != null
            && !TRANSFORMER_STRATEGIES.containsKey(
                value.toString().toLowerCase(java.util.Locale.ROOT))) {
          throw invalid(origin, "transformer.strategy", value.toString(), "[frozen, last_k, full]");
        }
      }
      Strategy effective = strategyFor(modality);
      boolean hasBackbone = modality == Modality.IMAGE || fineTunedTransformer;
      if (!hasBackbone
          && effective != (modality == Modality.TEXT ? Strategy.LINEAR_PROBE : Strategy.FULL)) {
        throw invalid(
            origin,
            "strategy",
            effective.name().toLowerCase(java.util.Locale.ROOT),
            modality == Modality.TEXT
                ? "[linear_probe] (the text backbones are frozen)"
                : "[full] (the tabular MLP has no pretrained backbone)");
      }
      if (modality == Modality.IMAGE && SCRATCH.equals(name) && effective != Strategy.FULL) {
        throw invalid(
            origin,
            "strategy",
            effective.name().toLowerCase(java.util.Locale.ROOT),
            "[full] (a scratch backbone has random weights: freezing them makes no sense)");
      }
      if (unfreezeLastBlocks < 1) {
        throw new SpecException(
            origin + ": key 'trainer.unfreezeLastBlocks' must be >= 1, got " + unfreezeLastBlocks);
      }
      if (!(backboneLrFactor > 0 && backboneLrFactor <= 10)) {
        throw new SpecException(
            origin
                + ": key 'trainer.backboneLrFactor' must be in (0, 10], got "
                + backboneLrFactor);
      }
      if (gradualUnfreezing < 0) {
        throw new SpecException(
            origin
                + ": key 'trainer.gradualUnfreezing' must be >= 0 (0 = off), got "
                + gradualUnfreezing);
      }
      if (!(warmupFraction >= 0 && warmupFraction < 1)) {
        throw new SpecException(
            origin + ": key 'trainer.warmupFraction' must be in [0, 1), got " + warmupFraction);
      }
      if (!(validationFraction >= 0 && validationFraction <= 0.5)) {
        throw new SpecException(
            origin
                + ": key 'trainer.validationFraction' must be in [0, 0.5] (0 = no early"
                + " stopping), got "
                + validationFraction);
      }
      if (earlyStoppingPatience < 1) {
        throw new SpecException(
            origin
                + ": key 'trainer.earlyStoppingPatience' must be >= 1, got "
                + earlyStoppingPatience);
      }
      if (!(replayShare >= 0 && replayShare <= 1)) {
        throw new SpecException(
            origin + ": key 'trainer.replayShare' must be in [0, 1], got " + replayShare);
      }
      if (bufferMaxBytes < 1024) {
        throw new SpecException(
            origin + ": key 'trainer.bufferMaxBytes' must be >= 1024, got " + bufferMaxBytes);
      }
      if (threads != null && threads < 1) {
        throw new SpecException(origin + ": key 'trainer.threads' must be >= 1, got " + threads);
      }
    }

    private static SpecException invalid(String origin, String key, String value, String allowed) {
      return new SpecException(
          origin
              + ": invalid value '"
              + value
              + "' for key 'trainer."
              + key
              + "'; allowed values: "
              + allowed);
    }

    public TrainerSpec withRetrainEvery(int examples) {
      return new TrainerSpec(
          examples,
          maxWaitSeconds,
          bufferCapacity,
          hiddenUnits,
          learningRate,
          weightDecay,
          epochs,
          batchSize,
          seed,
          bufferMaxBytes,
          replayShare,
          backbone,
          strategy,
          unfreezeLastBlocks,
          backboneLrFactor,
          gradualUnfreezing,
          optimizer,
          lrSchedule,
          warmupFraction,
          validationFraction,
          earlyStoppingPatience,
          device,
          threads,
          transformer);
    }
  }

  /**
   * @param minMacroF1Gain a new version is promoted when its macro F1 beats the champion's by at
   *     least this much (the first version is promoted when it beats the majority-class baseline)
   */
  public record EvaluatorSpec(Double minMacroF1Gain) implements Serializable {
    public EvaluatorSpec {
      minMacroF1Gain = minMacroF1Gain == null ? 0.0 : minMacroF1Gain;
    }

    public static EvaluatorSpec defaults() {
      return new EvaluatorSpec(null);
    }
  }

  /**
   * Names of the features of every Example, in order: the frame after the last preprocess step
   * (one-hot slots, hash buckets, principal components... replace their inputs). Its size is the
   * model's input width, fixed before the stream starts. Empty for images and texts: their examples
   * carry the image or text itself.
   */
  public List<String> featureNames() {
    if (modality != Modality.TABULAR) {
      return List.of();
    }
    return preprocess.featureNames(columns);
  }

  public PipelineSpec withTrainer(TrainerSpec newTrainer) {
    return new PipelineSpec(
        name,
        modality,
        label,
        columns,
        split,
        preprocess,
        newTrainer,
        evaluator,
        sampling,
        image,
        text,
        augment);
  }

  public PipelineSpec withSampling(SamplingSpec newSampling) {
    return new PipelineSpec(
        name,
        modality,
        label,
        columns,
        split,
        preprocess,
        trainer,
        evaluator,
        newSampling,
        image,
        text,
        augment);
  }

  public PipelineSpec withAugment(AugmentSpec newAugment) {
    return new PipelineSpec(
        name,
        modality,
        label,
        columns,
        split,
        preprocess,
        trainer,
        evaluator,
        sampling,
        image,
        text,
        newAugment);
  }
}
