package io.streamtune.launcher;

import io.streamtune.ingest.CsvDataset;
import io.streamtune.ingest.CsvRecordReader;
import io.streamtune.ingest.ProgressMeter;
import io.streamtune.ingest.RawRecordProducer;
import io.streamtune.schemas.config.KafkaConnection;
import io.streamtune.schemas.spec.PipelineSpecs;
import io.streamtune.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = "Produce the rows of a CSV file to the raw topic as RawRecords (Confluent Avro).")
final class IngestCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;

  @Option(names = "--csv", required = true, description = "CSV file with a header row")
  Path csv;

  @Option(
      names = "--label",
      description = "Label column (required unless --pipeline names it); types are inferred")
  String label;

  @Option(names = "--pipeline", description = "Pipeline spec whose column types to use")
  Path pipeline;

  @Option(names = "--id-column", description = "Column holding record ids (default: row numbers)")
  String idColumn;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description = "Records per second, 0 = as fast as possible (default: ${DEFAULT-VALUE})")
  double rate;

  @Override
  public Integer call() throws Exception {
    CsvDataset dataset = dataset(csv, label, pipeline, idColumn);
    KafkaConnection connection = KafkaConnection.from(kafka.configSource(Map.of()));
    long rows = dataset.countRows();
    try (RawRecordProducer producer =
            new RawRecordProducer(
                connection.bootstrapServers(),
                connection.schemaRegistryUrl(),
                connection.topics().name(Topics.RAW));
        CsvRecordReader records = dataset.open(Clock.systemUTC())) {
      long sent = producer.produceAll(records, rate, ProgressMeter.toStdout("ingest", rows));
      System.out.printf("produced %,d records to %s%n", sent, connection.topics().name(Topics.RAW));
    }
    return 0;
  }

  static CsvDataset dataset(Path csv, String label, Path pipeline, String idColumn) {
    if (pipeline != null) {
      return CsvDataset.withSpec(csv, PipelineSpecs.load(pipeline), idColumn);
    }
    if (label == null) {
      throw new io.streamtune.ingest.IngestException("give --label COLUMN or --pipeline SPEC");
    }
    return CsvDataset.infer(csv, label, idColumn);
  }
}
