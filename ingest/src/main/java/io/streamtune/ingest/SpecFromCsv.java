package io.streamtune.ingest;

import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpec.ColumnSpec;
import io.streamtune.spec.PipelineSpec.LabelSpec;
import io.streamtune.spec.PipelineSpec.SplitSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.PreprocessSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a tabular pipeline spec from what a CSV holds: its columns and classes, a bad number
 * becomes a missing value ({@code badValues: missing}), columns left out of the features are
 * ignored when a record carries them, and a file with exact duplicate rows is split by content so
 * copies stay on one side. Every other key takes its default.
 */
public final class SpecFromCsv {

  private SpecFromCsv() {}

  public static PipelineSpec toSpec(String name, CsvSchema schema) {
    Map<String, ColumnSpec> columns = new LinkedHashMap<>();
    schema
        .columns()
        .forEach((column, c) -> columns.put(column, new ColumnSpec(c.type(), c.categories())));
    boolean duplicates = schema.profile() != null && schema.profile().duplicateRows() > 0;
    PreprocessSpec preprocess =
        new PreprocessSpec(
            null,
            schema.droppedColumns().isEmpty()
                ? PreprocessSpec.UnknownColumnPolicy.REJECT
                : PreprocessSpec.UnknownColumnPolicy.IGNORE,
            null,
            null,
            null,
            null,
            PreprocessSpec.BadValuePolicy.MISSING);
    PipelineSpec spec =
        new PipelineSpec(
            name,
            PipelineSpec.Modality.TABULAR,
            new LabelSpec(schema.labelColumn(), schema.labelClasses(), schema.excludedLabels()),
            columns,
            new SplitSpec(null, null, duplicates ? "content" : "id"),
            preprocess,
            null,
            null,
            null,
            null,
            null,
            null);
    PipelineSpecs.validate(spec, "spec inferred from " + name);
    return spec;
  }
}
