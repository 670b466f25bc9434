package io.streamtune.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.streamtune.spec.PipelineSpec.ColumnSpec;
import io.streamtune.spec.PipelineSpec.ColumnType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads, validates and writes pipeline specs (YAML, camelCase keys). */
public final class PipelineSpecs {

  private static final ObjectMapper YAML =
      JsonMapper.builder(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  // steps as `- scale: {...}`, not YAML tags
                  .disable(YAMLGenerator.Feature.USE_NATIVE_TYPE_ID)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          // a key written twice (two `trainer:` sections) is an error, not "the last one wins"
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
          // the steps by their YAML names (each step record's @JsonTypeName)
          .registerSubtypes(StepSpec.TYPES.toArray(Class<?>[]::new))
          .propertyNamingStrategy(PropertyNamingStrategies.LOWER_CAMEL_CASE)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private PipelineSpecs() {}

  public static PipelineSpec load(Path file) {
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (IOException e) {
      throw new SpecException("cannot read pipeline spec " + file + ": " + e.getMessage(), e);
    }
    return parse(yaml, file.toString());
  }

  public static PipelineSpec parse(String yaml, String origin) {
    PipelineSpec spec;
    try {
      spec = YAML.readValue(yaml, PipelineSpec.class);
    } catch (UnrecognizedPropertyException e) {
      throw new SpecException(
          origin
              + ": unknown key '"
              + path(e)
              + "'; allowed keys here: "
              + e.getKnownPropertyIds().stream().map(Object::toString).sorted().toList(),
          e);
    } catch (InvalidTypeIdException e) {
      throw new SpecException(
          origin
              + ": unknown step '"
              + e.getTypeId()
              + "' at key '"
              + path(e)
              + "'; allowed steps: "
              + StepSpec.NAMES,
          e);
    } catch (InvalidFormatException e) {
      String allowed =
          e.getTargetType() != null && e.getTargetType().isEnum()
              ? "; allowed values: "
                  + Arrays.stream(e.getTargetType().getEnumConstants())
                      .map(c -> c.toString().toLowerCase(java.util.Locale.ROOT))
                      .toList()
              : "";
      throw new SpecException(
          origin + ": invalid value '" + e.getValue() + "' for key '" + path(e) + "'" + allowed, e);
    } catch (ValueInstantiationException e) {
      // a section read through its Settings (trainer) names the key and what it allows
      if (e.getCause() instanceof SpecException refused) {
        throw new SpecException(origin + ": " + refused.getMessage(), e);
      }
      throw new SpecException(origin + ": " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new SpecException(origin + ": " + e.getOriginalMessage(), e);
    }
    if (spec == null) {
      throw new SpecException(origin + ": the pipeline spec is empty");
    }
    validate(spec, origin);
    return spec;
  }

  public static String toYaml(PipelineSpec spec) {
    try {
      return YAML.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write pipeline spec", e);
    }
  }

  private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (com.fasterxml.jackson.databind.JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  /** Checks what the types alone cannot; every message names the key. */
  public static void validate(PipelineSpec spec, String origin) {
    boolean tabular = spec.modality() == PipelineSpec.Modality.TABULAR;
    if (tabular) {
      MediaSpecs.rejectMediaSections(spec, origin);
    } else {
      MediaSpecs.validate(spec, origin);
    }
    if (spec.label() == null || spec.label().column() == null || spec.label().column().isBlank()) {
      throw new SpecException(origin + ": key 'label.column' is required");
    }
    List<String> classes = spec.label().classes();
    if (classes.size() < 2 || new HashSet<>(classes).size() != classes.size()) {
      throw new SpecException(
          origin + ": key 'label.classes' needs at least two distinct values, got " + classes);
    }
    if (tabular && spec.columns().isEmpty()) {
      throw new SpecException(origin + ": key 'columns' needs at least one feature column");
    }
    if (spec.columns().containsKey(spec.label().column())) {
      throw new SpecException(
          origin
              + ": the label column '"
              + spec.label().column()
              + "' must not be listed under 'columns'");
    }
    spec.columns()
        .forEach(
            (column, columnSpec) -> {
              String key = "columns." + column;
              if (columnSpec == null || columnSpec.type() == null) {
                throw new SpecException(
                    origin
                        + ": key '"
                        + key
                        + ".type' is required; allowed values: [numeric, categorical]");
              }
              if (columnSpec.type() == ColumnType.CATEGORICAL
                  && columnSpec.categories().isEmpty()) {
                throw new SpecException(
                    origin
                        + ": key '"
                        + key
                        + ".categories' must list the categories of a categorical column");
              }
              if (columnSpec.type() == ColumnType.CATEGORICAL && columnSpec.badValues() != null) {
                throw new SpecException(
                    origin
                        + ": key '"
                        + key
                        + ".badValues' is only allowed for numeric columns (a categorical cell"
                        + " outside the categories takes the unseen slot)");
              }
              if (columnSpec.type() == ColumnType.NUMERIC && !columnSpec.categories().isEmpty()) {
                throw new SpecException(
                    origin
                        + ": key '"
                        + key
                        + ".categories' is only allowed for categorical columns");
              }
              Set<String> unique = new HashSet<>(columnSpec.categories());
              if (unique.size() != columnSpec.categories().size()) {
                throw new SpecException(origin + ": key '" + key + ".categories' has duplicates");
              }
            });
    double holdout = spec.split().holdoutFraction();
    if (!(holdout > 0 && holdout < 1)) {
      throw new SpecException(
          origin + ": key 'split.holdoutFraction' must be in (0, 1), got " + holdout);
    }
    validateSplitKey(spec, origin);
    List<String> excluded = spec.label().excluded();
    for (String label : excluded) {
      if (classes.contains(label)) {
        throw new SpecException(
            origin + ": key 'label.excluded' lists '" + label + "', which is one of the classes");
      }
    }
    if (tabular) {
      spec.preprocess().validate(spec.columns(), origin);
    }
    spec.trainer().validate(origin, spec.modality());
    spec.sampling().validate(origin, classes);
  }

  private static void validateSplitKey(PipelineSpec spec, String origin) {
    PipelineSpec.SplitSpec split = spec.split();
    try {
      split.keyKind();
    } catch (SpecException e) {
      throw new SpecException(origin + ": " + e.getMessage(), e);
    }
    if (split.keyKind() != PipelineSpec.SplitSpec.KeyKind.ID
        && spec.modality() != PipelineSpec.Modality.TABULAR) {
      throw new SpecException(
          origin
              + ": key 'split.key' must be id for "
              + spec.modality().name().toLowerCase(java.util.Locale.ROOT)
              + " pipelines (content and column NAME are for tabular ones), got '"
              + split.key()
              + "'");
    }
    if (split.keyKind() == PipelineSpec.SplitSpec.KeyKind.COLUMN
        && split.keyColumn().equals(spec.label().column())) {
      throw new SpecException(
          origin + ": key 'split.key' must not name the label column '" + split.keyColumn() + "'");
    }
  }

  /** Convenience for code that builds a spec (e.g. from an inferred CSV schema). */
  public static ColumnSpec column(ColumnType type, List<String> categories) {
    return new ColumnSpec(type, categories);
  }
}
