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
      label = new LabelSpec("label", label.classes(), label.excluded());
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
    if (image != null) {
      image = image.resolvedFor(trainer.backboneFor(Modality.IMAGE));
    }
  }

  /** A tabular spec of these columns; every other section takes its defaults. */
  public static PipelineSpec tabular(
      String name, LabelSpec label, Map<String, ColumnSpec> columns) {
    return new PipelineSpec(
        name, Modality.TABULAR, label, columns, null, null, null, null, null, null, null, null);
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
   * @param excluded label values seen in the data but left out of the classes (too rare to learn,
   *     {@code infer-spec} lists them): a record carrying one is a dead letter saying so
   */
  public record LabelSpec(String column, List<String> classes, List<String> excluded)
      implements Serializable {
    public LabelSpec {
      classes = classes == null ? List.of() : List.copyOf(classes);
      excluded = excluded == null ? List.of() : List.copyOf(excluded);
    }

    public LabelSpec(String column, List<String> classes) {
      this(column, classes, null);
    }
  }

  /**
   * @param categories known categories of a categorical column, in one-hot order
   * @param badValues this numeric column's policy for a cell that is not a number; null: {@code
   *     preprocess.badValues}
   */
  public record ColumnSpec(
      ColumnType type, List<String> categories, PreprocessSpec.BadValuePolicy badValues)
      implements Serializable {
    public ColumnSpec {
      // interned: Flink gives each operator its own deserialized copy of the spec (through this
      // constructor), and the category strings of all copies are then the same objects, which
      // category lookups match by identity before they compare text
      categories =
          categories == null
              ? List.of()
              : List.copyOf(categories).stream().map(String::intern).toList();
    }

    public ColumnSpec(ColumnType type, List<String> categories) {
      this(type, categories, null);
    }

    public static ColumnSpec numeric() {
      return new ColumnSpec(ColumnType.NUMERIC, List.of());
    }

    public static ColumnSpec categorical(List<String> categories) {
      return new ColumnSpec(ColumnType.CATEGORICAL, categories);
    }
  }

  /**
   * @param holdoutFraction share of split keys that go to the holdout
   * @param salt mixed into the key hash, so two pipelines can split the same ids differently
   * @param key what is hashed: {@code id} (the record id), {@code content} (the feature cells, so
   *     exact copies of a row stay on one side) or {@code column NAME} (the value of column NAME,
   *     so every row of one group stays on one side, like scikit-learn's group splits)
   */
  public record SplitSpec(Double holdoutFraction, String salt, String key) implements Serializable {
    public SplitSpec {
      holdoutFraction = holdoutFraction == null ? 0.2 : holdoutFraction;
      salt = salt == null ? "streamtune" : salt;
      key = key == null ? "id" : key.trim();
    }

    public SplitSpec(Double holdoutFraction, String salt) {
      this(holdoutFraction, salt, null);
    }

    public static SplitSpec defaults() {
      return new SplitSpec(null, null, null);
    }

    /** What the split hashes. */
    public enum KeyKind {
      ID,
      CONTENT,
      COLUMN
    }

    /** The kind of {@link #key}; throws a {@link SpecException} for anything else. */
    public KeyKind keyKind() {
      if (key.equals("id")) {
        return KeyKind.ID;
      }
      if (key.equals("content")) {
        return KeyKind.CONTENT;
      }
      if (key.startsWith("column ") && !keyColumn().isEmpty()) {
        return KeyKind.COLUMN;
      }
      throw new SpecException(
          "key 'split.key' must be one of [id, content, column NAME], got '" + key + "'");
    }

    /** The group column of {@code column NAME}; empty for the other kinds. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String keyColumn() {
      return key.startsWith("column ") ? key.substring("column ".length()).trim() : "";
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
