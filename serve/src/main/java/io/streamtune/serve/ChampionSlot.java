package io.streamtune.serve;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.schemas.avro.ModelVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The model that answers requests (the champion) and, for the first {@code shadowRequests} requests
 * it answers after a swap, the previous champion as the shadow, which scores the same requests so
 * the two can be compared on the same records. Pure: the service loads versions and writes what
 * this returns.
 *
 * <p>Not thread-safe: the service calls it under one lock (the intake's deserializer keeps caches
 * that are not thread-safe either).
 */
final class ChampionSlot implements AutoCloseable {

  /**
   * What one batch of requests came to.
   *
   * @param champion one outcome per request
   * @param shadow the shadow's outcomes, each with the index of its request (none when no shadow
   *     runs)
   */
  record Scored(List<Outcome<ServedPrediction>> champion, List<ShadowAnswer> shadow) {}

  /** The shadow's outcome of request {@code request} of the batch. */
  record ShadowAnswer(int request, Outcome<ServedPrediction> outcome) {}

  private final String modelId;
  private final int shadowRequests;
  private ServingModel champion;
  private ServingModel shadow;
  private int shadowLeft;

  /** Why the last promotion could not be loaded, while no champion serves; null otherwise. */
  private String unservable;

  /**
   * @param modelId the model served (for the reason of a request answered before any champion)
   * @param shadowRequests requests the previous champion scores after a swap; 0 = none
   */
  ChampionSlot(String modelId, int shadowRequests) {
    this.modelId = Objects.requireNonNull(modelId, "modelId");
    if (shadowRequests < 0) {
      throw new IllegalArgumentException("shadowRequests must be >= 0, got " + shadowRequests);
    }
    this.shadowRequests = shadowRequests;
  }

  ServingModel champion() {
    return champion;
  }

  ServingModel shadow() {
    return shadow;
  }

  /** Requests the shadow still scores. */
  int shadowLeft() {
    return shadow == null ? 0 : shadowLeft;
  }

  /**
   * Whether {@code promoted} is another version than the one serving: the last promotion is the
   * champion, whatever its number (a rollback promotes an older version again).
   */
  boolean differs(ModelVersion promoted) {
    return champion == null
        || champion.versionNumber() != promoted.getVersion()
        || !champion.version().getStorePath().equals(promoted.getStorePath());
  }

  /**
   * The last promotion could not be loaded: a champion serving keeps serving; without one, requests
   * are refused with this reason instead of "no champion yet".
   */
  void unservable(ModelVersion promoted, String reason) {
    unservable =
        modelId + " v" + promoted.getVersion() + " is promoted but cannot be served: " + reason;
  }

  /**
   * Serves {@code next} from now on; the champion it replaces becomes the shadow (a shadow still
   * running is closed), or is closed when shadows are off.
   */
  void swap(ServingModel next) {
    Objects.requireNonNull(next, "next");
    if (shadow != null) {
      shadow.close();
      shadow = null;
    }
    if (champion != null) {
      if (shadowRequests > 0) {
        shadow = champion;
        shadowLeft = shadowRequests;
      } else {
        champion.close();
      }
    }
    champion = next;
    unservable = null;
  }

  /**
   * Scores a batch with the champion, and with the shadow the requests the champion answered, as
   * long as the shadow has requests left.
   */
  Scored score(List<RawEnvelope> requests) {
    List<Outcome<ServedPrediction>> answers;
    if (champion == null) {
      answers = new ArrayList<>(requests.size());
      for (RawEnvelope request : requests) {
        answers.add(noChampion(request));
      }
      return new Scored(answers, List.of());
    }
    answers = champion.predictAll(requests);
    List<ShadowAnswer> shadowed = List.of();
    if (shadow != null) {
      // the shadow scores the requests the champion answered: the two compare on the same records
      List<Integer> answered = new ArrayList<>();
      for (int i = 0; i < answers.size() && answered.size() < shadowLeft; i++) {
        if (answers.get(i) instanceof Outcome.Accepted<ServedPrediction>) {
          answered.add(i);
        }
      }
      List<RawEnvelope> shadowRequests = new ArrayList<>(answered.size());
      answered.forEach(i -> shadowRequests.add(requests.get(i)));
      List<Outcome<ServedPrediction>> outcomes = shadow.predictAll(shadowRequests);
      shadowed = new ArrayList<>(answered.size());
      for (int k = 0; k < answered.size(); k++) {
        shadowed.add(new ShadowAnswer(answered.get(k), outcomes.get(k)));
      }
      shadowLeft -= answered.size();
      if (shadowLeft == 0) {
        shadow.close();
        shadow = null;
      }
    }
    return new Scored(answers, shadowed);
  }

  /** The answer to a request while no version of the model has been promoted. */
  Outcome<ServedPrediction> noChampion(RawEnvelope request) {
    String id = request.key == null ? null : new String(request.key, StandardCharsets.UTF_8);
    String reason = unservable != null ? unservable : "no champion for model " + modelId + " yet";
    return new Outcome.Rejected<>(ServingModel.STAGE, reason, id, request);
  }

  @Override
  public void close() {
    if (shadow != null) {
      shadow.close();
      shadow = null;
    }
    if (champion != null) {
      champion.close();
      champion = null;
    }
  }
}
