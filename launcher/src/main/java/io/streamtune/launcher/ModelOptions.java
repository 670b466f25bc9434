package io.streamtune.launcher;

import io.streamtune.common.config.CommonKeys;
import io.streamtune.common.config.ConfigSource;
import io.streamtune.spec.PipelineSpecs;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which model a manual command acts on: {@code --model}, or the name of the pipeline's spec. */
final class ModelOptions {

  @Option(names = "--model", description = "Model id (default: the name of the --pipeline spec)")
  String model;

  @Option(
      names = "--pipeline",
      description = "Pipeline spec whose model to act on (env STREAMTUNE_PIPELINE_SPEC)")
  Path pipeline;

  String modelId(ConfigSource source) {
    if (model != null && !model.isBlank()) {
      return model;
    }
    if (pipeline != null) {
      return PipelineSpecs.load(pipeline).name();
    }
    return CommonKeys.loadPipelineSpec(source).name();
  }
}
