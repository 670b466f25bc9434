package io.streamtune.serve;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.schemas.avro.Prediction;
import io.streamtune.schemas.avro.PredictionRole;
import io.streamtune.schemas.avro.RetrainCause;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records serve writes for what it answered: predictions, dead letters and the retrain requests
 * of input drift. The Kafka loop and the HTTP endpoint both write through here, so the feedback
 * loop reads a prediction the same whichever way it was asked for.
 */
final class ServeRecords {

  private static final Logger LOG = LoggerFactory.getLogger(ServeRecords.class);

  /**
   * What one scored batch comes to: the records of its transaction, then the counts the service
   * adds once that transaction is committed (not before: an aborted batch is read again).
   */
  record Batch(
      List<ProducerRecord<String, SpecificRecord>> out,
      int predicted,
      int rejected,
      int retrains,
      int shadowed) {}

  private final String modelId;
  private final String predictionsTopic;
  private final String deadLetterTopic;
  private final String controlTopic;

  ServeRecords(String modelId, Topics topics) {
    this.modelId = modelId;
    this.predictionsTopic = topics.name(Topics.PREDICTIONS);
    this.deadLetterTopic = topics.name(Topics.DEADLETTER);
    this.controlTopic = topics.name(Topics.CONTROL);
  }

  /**
   * The records of one scored poll batch: per request its CHAMPION prediction or dead letter, in
   * request order, then the retrain requests of input drift, then the shadow's predictions.
   *
   * @param drift the champion's input-drift windows, fed every accepted request here (the caller
   *     restores them when the transaction aborts); null when it has none
   */
  Batch batch(
      List<ConsumerRecord<byte[], byte[]>> records,
      ChampionSlot.Scored scored,
      InputDrift drift,
      long latencyMicros,
      Instant servedAt) {
    List<ProducerRecord<String, SpecificRecord>> out = new ArrayList<>();
    int predicted = 0;
    int rejected = 0;
    for (int i = 0; i < records.size(); i++) {
      ConsumerRecord<byte[], byte[]> record = records.get(i);
      Outcome<ServedPrediction> outcome = scored.champion().get(i);
      if (outcome instanceof Outcome.Accepted<ServedPrediction> accepted) {
        out.add(
            prediction(
                accepted.value(),
                PredictionRole.CHAMPION,
                latencyMicros,
                Instant.ofEpochMilli(record.timestamp()),
                servedAt,
                source(record)));
        predicted++;
      } else {
        out.add(deadLetter((Outcome.Rejected<ServedPrediction>) outcome, servedAt));
        rejected++;
      }
    }
    int retrains = 0;
    if (drift != null) {
      for (Outcome<ServedPrediction> outcome : scored.champion()) {
        if (outcome instanceof Outcome.Accepted<ServedPrediction> accepted
            && accepted.value().input() != null) {
          for (InputDrift.Alert alert : drift.observe(accepted.value().input())) {
            out.add(retrainRequest(alert, accepted.value().version(), servedAt));
            retrains++;
          }
        }
      }
    }
    int shadowed = 0;
    for (ChampionSlot.ShadowAnswer answer : scored.shadow()) {
      if (answer.outcome() instanceof Outcome.Accepted<ServedPrediction> accepted) {
        ConsumerRecord<byte[], byte[]> record = records.get(answer.request());
        out.add(
            prediction(
                accepted.value(),
                PredictionRole.SHADOW,
                latencyMicros,
                Instant.ofEpochMilli(record.timestamp()),
                servedAt,
                source(record)));
        shadowed++;
      }
    }
    return new Batch(out, predicted, rejected, retrains, shadowed);
  }

  static String source(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }

  ProducerRecord<String, SpecificRecord> prediction(
      ServedPrediction served,
      PredictionRole role,
      long latencyMicros,
      Instant requestTime,
      Instant servedAt,
      String source) {
    List<Float> probabilities = new ArrayList<>(served.probabilities().length);
    for (float p : served.probabilities()) {
      probabilities.add(p);
    }
    // the all-arguments constructor: the builder deep-copies every default on each call
    Prediction prediction =
        new Prediction(
            served.recordId(),
            served.modelId(),
            served.version(),
            role,
            served.predictedLabel(),
            served.labels(),
            probabilities,
            served.transformVersion(),
            latencyMicros,
            requestTime,
            servedAt,
            source);
    return new ProducerRecord<>(predictionsTopic, served.recordId(), prediction);
  }

  ProducerRecord<String, SpecificRecord> deadLetter(Outcome.Rejected<?> rejected, Instant at) {
    return new ProducerRecord<>(deadLetterTopic, rejected.recordId(), rejected.deadLetter(at));
  }

  private ProducerRecord<String, SpecificRecord> retrainRequest(
      InputDrift.Alert alert, int version, Instant at) {
    LOG.warn("{} (model {} v{}): asking for a retrain", alert.reason(), modelId, version);
    RetrainRequest request =
        new RetrainRequest(
            modelId,
            at,
            RetrainCause.INPUT_DRIFT,
            "psi",
            version,
            alert.psi(),
            alert.threshold(),
            alert.feature(),
            alert.windowFrom(),
            alert.windowTo(),
            alert.reason());
    return new ProducerRecord<>(controlTopic, modelId, request);
  }
}
