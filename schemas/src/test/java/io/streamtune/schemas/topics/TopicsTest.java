package io.streamtune.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void namesCarryThePrefix() {
    Topics topics = new Topics("prod.");

    assertThat(topics.name(Topics.EXAMPLES_TRAIN)).isEqualTo("prod.examples.train");
    assertThat(topics.allNames()).hasSize(9).allMatch(name -> name.startsWith("prod."));
  }

  @Test
  void everyDesignTopicIsRegisteredOnce() {
    assertThat(Topics.withDefaultPrefix().allNames())
        .containsExactly(
            "streamtune.raw",
            "streamtune.examples.train",
            "streamtune.examples.holdout",
            "streamtune.deadletter",
            "streamtune.models",
            "streamtune.models.promoted",
            "streamtune.metrics",
            "streamtune.control",
            "streamtune.predictions");
  }
}
