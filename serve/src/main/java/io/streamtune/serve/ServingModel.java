package io.streamtune.serve;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.model.ModelStore;
import io.streamtune.model.scoring.ExampleRows;
import io.streamtune.model.scoring.ScoringInputs;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.preprocess.Intake;
import io.streamtune.preprocess.core.PreparedRow;
import io.streamtune.preprocess.core.TabularTransform;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.preprocess.media.MediaAugmenter;
import io.streamtune.preprocess.media.MediaRecord;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * One loaded model version ready to answer raw requests, with exactly the code the preprocessing
 * job runs on raw records: {@link Intake} decodes and validates a request ({@link
 * Intake#tabularRequests}, {@link Intake#mediaRequests}: the job's checks, but no label needed),
 * then a tabular row goes through the version's fitted transform ({@link TabularTransform#apply},
 * which fits nothing) and an image or text through the holdout's preparation (the {@link
 * MediaAugmenter} without copies); the row is scored as the evaluator scores a holdout example
 * ({@link ExampleRows}, {@link ScoringModel}). So a served prediction of a record equals the
 * evaluator's on the holdout example the job made of it: no training/serving skew.
 *
 * <p>Pure: no Kafka. Thread-safe as far as the model is (DJL models serialise their calls; the
 * fitted transform is only read).
 */
public final class ServingModel implements AutoCloseable {

  /** The stage of a rejection by the serving path itself (not by the intake or transform). */
  public static final String STAGE = "serve";

  private final ModelVersion version;
  private final PipelineSpec spec;
  private final ScoringModel model;
  private final TabularTransform transform;
  private final Intake<ValidatedRow> tabular;
  private final Intake<MediaRecord> media;
  private final MediaAugmenter holdoutPreparation;

  /**
   * @param spec the pipeline spec the requests are validated against (the preprocessing job's)
   * @param model the version's scoring model, owned (closed) by this object
   * @param transform the version's fitted transform; required for a tabular spec, null otherwise
   * @param deserializer decodes request bytes into RawRecords (the raw topic's serde)
   */
  public ServingModel(
      ModelVersion version,
      PipelineSpec spec,
      ScoringModel model,
      TabularTransform transform,
      Deserializer<RawRecord> deserializer) {
    this.version = Objects.requireNonNull(version, "version");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.model = Objects.requireNonNull(model, "model");
    boolean isTabular = spec.modality() == PipelineSpec.Modality.TABULAR;
    if (isTabular && transform == null) {
      throw new IllegalArgumentException(
          name() + " serves a tabular pipeline but has no fitted transform");
    }
    this.transform = isTabular ? transform : null;
    if (isTabular && transform.featureNames().size() != model.featureCount()) {
      throw new IllegalArgumentException(
          name()
              + " takes "
              + model.featureCount()
              + " features but its fitted transform makes "
              + transform.featureNames().size());
    }
    if (!model.labels().equals(spec.label().classes())
        && !List.copyOf(spec.label().classes()).containsAll(model.labels())) {
      throw new IllegalArgumentException(
          name()
              + " predicts labels "
              + model.labels()
              + " that are not the spec's classes "
              + spec.label().classes());
    }
    this.tabular = isTabular ? Intake.tabularRequests(deserializer, spec) : null;
    this.media = isTabular ? null : Intake.mediaRequests(deserializer, spec);
    // the holdout is never augmented, so no synonym source is needed
    this.holdoutPreparation = isTabular ? null : new MediaAugmenter(spec, word -> List.of());
  }

  /**
   * Loads {@code version} from its own folder of the loader's store: the model, and for a tabular
   * spec its {@value ModelStore#TRANSFORM_FILE}.
   *
   * @throws IllegalArgumentException or IllegalStateException naming the path when the version
   *     cannot be served (outside the store, no fitted transform, mismatched widths)
   */
  public static ServingModel load(
      ModelVersion version,
      PipelineSpec spec,
      StoreModelLoader loader,
      Deserializer<RawRecord> deserializer) {
    Path dir = loader.checkedVersionDir(version);
    TabularTransform transform = null;
    if (spec.modality() == PipelineSpec.Modality.TABULAR) {
      transform = readTransform(dir.resolve(ModelStore.TRANSFORM_FILE), version);
    }
    ScoringModel model = loader.load(version);
    try {
      return new ServingModel(version, spec, model, transform, deserializer);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  private static TabularTransform readTransform(Path file, ModelVersion version) {
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalStateException(
          version.getModelId()
              + " v"
              + version.getVersion()
              + " has no fitted transform "
              + file
              + "; a tabular version cannot be served without the transform it was trained with");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
    TabularTransform transform;
    try {
      transform = TabularTransform.fromJson(json);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Long expected = version.getTransformVersion();
    if (expected != null && expected != transform.version()) {
      throw new IllegalStateException(
          file
              + " holds transform version "
              + transform.version()
              + " but "
              + version.getModelId()
              + " v"
              + version.getVersion()
              + " says it was trained with "
              + expected);
    }
    return transform;
  }

  public ModelVersion version() {
    return version;
  }

  public String modelId() {
    return version.getModelId();
  }

  public int versionNumber() {
    return version.getVersion();
  }

  public List<String> labels() {
    return model.labels();
  }

  /** The fitted transform's version applied to requests; 0 for an image or text model. */
  public long transformVersion() {
    return transform == null ? 0L : transform.version();
  }

  /** The fitted transform (tabular only), e.g. for its training reference. */
  public TabularTransform transform() {
    return transform;
  }

  public PipelineSpec spec() {
    return spec;
  }

  /** One request. */
  public Outcome<ServedPrediction> predict(RawEnvelope request) {
    return predictAll(List.of(request)).get(0);
  }

  /**
   * Requests in one pass through the model (one forward pass for a DJL model); outcomes in request
   * order. A rejection carries its envelope, so its dead letter holds the request as it arrived.
   */
  public List<Outcome<ServedPrediction>> predictAll(List<RawEnvelope> requests) {
    List<Outcome<ServedPrediction>> outcomes = new ArrayList<>(requests.size());
    List<Integer> accepted = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    for (RawEnvelope request : requests) {
      Outcome<Row> prepared = prepare(request);
      if (prepared instanceof Outcome.Accepted<Row> row) {
        accepted.add(outcomes.size());
        rows.add(row.value());
        outcomes.add(null);
      } else {
        outcomes.add(((Outcome.Rejected<Row>) prepared).<ServedPrediction>retyped());
      }
    }
    if (rows.isEmpty()) {
      return outcomes;
    }
    List<String> ids = new ArrayList<>(rows.size());
    float[][] features = new float[rows.size()][];
    List<String> texts = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      ids.add(rows.get(i).id);
      features[i] = rows.get(i).features;
      texts.add(rows.get(i).text);
    }
    float[][] probabilities;
    int[] predicted;
    try {
      ScoringInputs inputs = new ScoringInputs(ids, features, texts);
      probabilities = model.probabilities(inputs);
      predicted = ScoringModel.argMax(probabilities);
    } catch (RuntimeException e) {
      // the version cannot score these rows (a model fault, not the requests'): say so per request
      for (int i = 0; i < rows.size(); i++) {
        Row row = rows.get(i);
        outcomes.set(
            accepted.get(i),
            new Outcome.Rejected<>(
                STAGE, "cannot score with " + name() + ": " + e.getMessage(), row.id, row.source));
      }
      return outcomes;
    }
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      outcomes.set(
          accepted.get(i),
          Outcome.accepted(
              new ServedPrediction(
                  row.id,
                  version.getModelId(),
                  version.getVersion(),
                  model.labels(),
                  probabilities[i],
                  predicted[i],
                  transformVersion(),
                  row.input)));
    }
    return outcomes;
  }

  /** A request ready to score. */
  private record Row(
      String id, float[] features, String text, ValidatedRow input, RawEnvelope source) {}

  private Outcome<Row> prepare(RawEnvelope request) {
    if (tabular != null) {
      Outcome<ValidatedRow> validated = tabular.accept(request);
      if (validated instanceof Outcome.Rejected<ValidatedRow> rejected) {
        return rejected.retyped();
      }
      ValidatedRow row = ((Outcome.Accepted<ValidatedRow>) validated).value();
      Outcome<PreparedRow> transformed = transform.apply(row.withSplit(Split.HOLDOUT));
      if (transformed instanceof Outcome.Rejected<PreparedRow> rejected) {
        return rejected.from(request).retyped();
      }
      PreparedRow prepared = ((Outcome.Accepted<PreparedRow>) transformed).value();
      return Outcome.accepted(new Row(row.id(), prepared.features().clone(), null, row, request));
    }
    Outcome<MediaRecord> validated = media.accept(request);
    if (validated instanceof Outcome.Rejected<MediaRecord> rejected) {
      return rejected.retyped();
    }
    MediaRecord record = ((Outcome.Accepted<MediaRecord>) validated).value();
    Example[] example = new Example[1];
    holdoutPreparation.expand(record.withSplit(Split.HOLDOUT), e -> example[0] = e);
    return Outcome.accepted(
        new Row(record.id, ExampleRows.features(example[0]), example[0].getText(), null, request));
  }

  private String name() {
    return version.getModelId() + " v" + version.getVersion();
  }

  @Override
  public void close() {
    model.close();
  }

  @Override
  public String toString() {
    return "ServingModel[" + name() + "]";
  }
}
