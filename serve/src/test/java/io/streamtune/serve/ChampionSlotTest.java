package io.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.model.scoring.ScoringInputs;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.preprocess.media.MediaSpecs;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.spec.PipelineSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

/** The champion, the swap and the shadow's share of the requests, without Kafka. */
class ChampionSlotTest {

  private static final String REGISTRY = "mock://champion-slot-test";
  private static final PipelineSpec SPEC = MediaSpecs.text();

  /** Predicts class {@code k} for every text; remembers whether it was closed. */
  private static final class Fixed implements ScoringModel {
    final int k;
    boolean closed;
    int scored;

    Fixed(int k) {
      this.k = k;
    }

    @Override
    public List<String> labels() {
      return SPEC.label().classes();
    }

    @Override
    public int featureCount() {
      return 0;
    }

    @Override
    public float[][] probabilities(ScoringInputs inputs) {
      scored += inputs.size();
      float[][] out = new float[inputs.size()][2];
      for (float[] row : out) {
        row[k] = 1f;
      }
      return out;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static ModelVersion version(int v) {
    return ModelVersion.newBuilder()
        .setModelId(SPEC.name())
        .setVersion(v)
        .setCreatedAt(Instant.EPOCH)
        .setStorePath("/store/" + SPEC.name() + "/v" + v)
        .setArchitecture("text-linear[tfidf]")
        .setLabels(SPEC.label().classes())
        .setFeatureCount(0)
        .setExamplesTrainedOn(1)
        .setNewExamples(1)
        .setTotalExamplesConsumed(1)
        .setConsumedOffsets(List.of())
        .setTrainLoss(0)
        .setEpochs(1)
        .setDurationMs(1)
        .setDevice("cpu")
        .build();
  }

  private static ServingModel serving(int v, Fixed model) {
    return new ServingModel(
        version(v), SPEC, model, null, AvroSerdes.valueDeserializer(REGISTRY, RawRecord.class));
  }

  /** Texts t0..t{n-1}; the ones in {@code empty} have no text (rejected at validation). */
  private static List<RawEnvelope> requests(int n, int... empty) {
    List<RawEnvelope> out = new ArrayList<>();
    try (Serializer<SpecificRecord> serializer = AvroSerdes.valueSerializer(REGISTRY)) {
      for (int i = 0; i < n; i++) {
        boolean blank = false;
        for (int e : empty) {
          blank |= e == i;
        }
        RawRecord record =
            MediaSpecs.raw("t" + i, null, MediaSpecs.text(blank ? " " : "text number " + i));
        out.add(
            new RawEnvelope(
                "requests",
                0,
                i,
                ("t" + i).getBytes(StandardCharsets.UTF_8),
                serializer.serialize("requests", record)));
      }
    }
    return out;
  }

  @Test
  void beforeAnyChampionEveryRequestIsRefusedNamingTheModel() {
    ChampionSlot slot = new ChampionSlot(SPEC.name(), 10);
    ChampionSlot.Scored scored = slot.score(requests(3));
    assertThat(scored.champion())
        .allSatisfy(
            o -> {
              Outcome.Rejected<?> rejected = (Outcome.Rejected<?>) o;
              assertThat(rejected.stage()).isEqualTo("serve");
              assertThat(rejected.reason()).isEqualTo("no champion for model texts-test yet");
              assertThat(rejected.source()).isNotNull();
            });
    assertThat(((Outcome.Rejected<?>) scored.champion().get(2)).recordId()).isEqualTo("t2");
    assertThat(scored.shadow()).isEmpty();

    // a promotion that cannot be loaded says so in the refusals until a champion serves
    slot.unservable(version(3), "no transform.json");
    assertThat(((Outcome.Rejected<?>) slot.score(requests(1)).champion().get(0)).reason())
        .isEqualTo("texts-test v3 is promoted but cannot be served: no transform.json");
    slot.swap(serving(4, new Fixed(0)));
    assertThat(slot.score(requests(1)).champion().get(0)).isInstanceOf(Outcome.Accepted.class);
    slot.close();
  }

  @Test
  void thePreviousChampionShadowsTheNextAnsweredRequestsThenCloses() {
    ChampionSlot slot = new ChampionSlot(SPEC.name(), 3);
    Fixed one = new Fixed(0);
    Fixed two = new Fixed(1);
    slot.swap(serving(1, one));
    assertThat(slot.score(requests(2)).shadow()).isEmpty();
    assertThat(slot.differs(version(1))).isFalse();
    assertThat(slot.differs(version(2))).isTrue();

    slot.swap(serving(2, two));
    assertThat(slot.shadowLeft()).isEqualTo(3);
    ChampionSlot.Scored first = slot.score(requests(3, 1));
    assertThat(first.champion().get(0)).isInstanceOf(Outcome.Accepted.class);
    assertThat(first.champion().get(1)).isInstanceOf(Outcome.Rejected.class);
    assertThat(((Outcome.Accepted<ServedPrediction>) first.champion().get(2)).value().version())
        .isEqualTo(2);
    // the shadow scores what the champion answered: requests 0 and 2
    assertThat(first.shadow()).extracting(ChampionSlot.ShadowAnswer::request).containsExactly(0, 2);
    ServedPrediction shadowed =
        ((Outcome.Accepted<ServedPrediction>) first.shadow().get(0).outcome()).value();
    assertThat(shadowed.version()).isEqualTo(1);
    assertThat(shadowed.predictedLabel()).isEqualTo("ham");
    assertThat(slot.shadowLeft()).isEqualTo(1);
    assertThat(one.closed).isFalse();

    ChampionSlot.Scored second = slot.score(requests(4));
    assertThat(second.shadow()).extracting(ChampionSlot.ShadowAnswer::request).containsExactly(0);
    assertThat(slot.shadowLeft()).isZero();
    assertThat(one.closed).isTrue();
    assertThat(one.scored).isEqualTo(2 + 3);
    assertThat(slot.score(requests(2)).shadow()).isEmpty();

    // a rollback: the older version again is a change of champion
    assertThat(slot.differs(version(1))).isTrue();
    slot.close();
    assertThat(two.closed).isTrue();
  }

  @Test
  void withoutShadowsTheReplacedChampionIsClosedAtOnce() {
    ChampionSlot slot = new ChampionSlot(SPEC.name(), 0);
    Fixed one = new Fixed(0);
    slot.swap(serving(1, one));
    slot.swap(serving(2, new Fixed(1)));
    assertThat(one.closed).isTrue();
    assertThat(slot.shadow()).isNull();
    assertThat(slot.score(requests(2)).shadow()).isEmpty();
  }
}
