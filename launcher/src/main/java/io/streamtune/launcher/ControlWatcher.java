package io.streamtune.launcher;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.schemas.avro.RetrainCause;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.topics.Topics;
import java.util.List;
import java.util.function.Consumer;

/**
 * Follows the control topic and hands every retrain request a detector or rollback wrote (not the
 * manual ones: MANUAL, RESELECT) to a listener: the demo's {@code drift |} lines.
 */
final class ControlWatcher extends TopicFollower<RetrainRequest> {

  ControlWatcher(KafkaConnection kafka, Consumer<RetrainRequest> listener) {
    super(
        kafka,
        Topics.CONTROL,
        "control-watcher",
        // a person's requests (retrain, retrain --reselect) are no detections
        request ->
            request.getTrigger() != RetrainCause.MANUAL
                && request.getTrigger() != RetrainCause.RESELECT,
        listener);
  }

  /** The detections seen so far, in arrival order. */
  List<RetrainRequest> detections() {
    return seen();
  }
}
