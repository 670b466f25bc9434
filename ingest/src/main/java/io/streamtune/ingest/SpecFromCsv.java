package io.streamtune.ingest;

import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpec.ColumnSpec;
import io.streamtune.spec.PipelineSpec.LabelSpec;
import io.streamtune.spec.PipelineSpecs;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds a tabular pipeline spec (all other keys at their defaults) from what a CSV holds. */
public final class SpecFromCsv {

  private SpecFromCsv() {}

  public static PipelineSpec toSpec(String name, CsvSchema schema) {
    Map<String, ColumnSpec> columns = new LinkedHashMap<>();
    schema
        .columns()
        .forEach((column, c) -> columns.put(column, new ColumnSpec(c.type(), c.categories())));
    PipelineSpec spec =
        PipelineSpec.tabular(
            name, new LabelSpec(schema.labelColumn(), schema.labelClasses()), columns);
    PipelineSpecs.validate(spec, "spec inferred from " + name);
    return spec;
  }
}
