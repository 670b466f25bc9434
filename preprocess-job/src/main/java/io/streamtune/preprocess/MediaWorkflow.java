package io.streamtune.preprocess;

import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.preprocess.core.Splitter;
import io.streamtune.preprocess.flink.AugmentFunction;
import io.streamtune.preprocess.flink.IntakeFunction;
import io.streamtune.preprocess.flink.SplitFunction;
import io.streamtune.preprocess.media.MediaRecord;
import io.streamtune.schemas.avro.Example;
import io.streamtune.spec.PipelineSpec;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The preprocess topology for image and text records:
 *
 * <pre>
 * raw ─► decode + validate ─► split (id hash) ─► augment (train: original + N copies;
 *             │                                           holdout: original only) ─► examples.*
 *             └─► deadletter (original bytes, stage, reason)
 * </pre>
 *
 * Every operator is stateless and per record, so all run at the job's parallelism and chain into
 * one task per slot (no serialization between them).
 */
public final class MediaWorkflow {

  private MediaWorkflow() {}

  public static void define(
      DataStream<RawEnvelope> raw,
      PipelineSpec spec,
      String schemaRegistryUrl,
      Map<String, String> registrySettings,
      Sinks sinks) {
    // Chained operators would otherwise deep-copy every record (pixels, Avro examples) between
    // them; safe here because no function of this topology keeps or changes a record after
    // emitting it (split stamps the record before passing it on).
    raw.getExecutionEnvironment().getConfig().enableObjectReuse();

    SingleOutputStreamOperator<MediaRecord> validated =
        raw.process(
                IntakeFunction.media(spec, schemaRegistryUrl, registrySettings),
                TypeInformation.of(MediaRecord.class))
            .uid("decode-validate-media")
            .name("decode and validate " + modality(spec));

    DataStream<MediaRecord> split =
        validated
            .map(
                new SplitFunction<MediaRecord>(Splitter.of(spec.split())),
                TypeInformation.of(MediaRecord.class))
            .uid("split-media")
            .name("split by id hash");

    split
        .flatMap(new AugmentFunction(spec), TypeInformation.of(Example.class))
        .uid("augment")
        .name(
            "augment train split ("
                + (spec.augment().enabled() ? "original + copies" : "off")
                + ")")
        .sinkTo(sinks.examples())
        .uid("examples-sink")
        .name("examples sink");

    validated
        .getSideOutput(IntakeFunction.DEAD_LETTERS)
        .sinkTo(sinks.deadLetters())
        .uid("deadletter-sink")
        .name("dead-letter sink");
  }

  private static String modality(PipelineSpec spec) {
    return spec.modality().name().toLowerCase(java.util.Locale.ROOT);
  }
}
