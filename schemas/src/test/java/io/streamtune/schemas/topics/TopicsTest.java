package io.streamtune.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void namesCarryThePrefix() {
    Topics topics = new Topics("prod.");

    assertThat(topics.name(Topics.EXAMPLES_TRAIN)).isEqualTo("prod.examples.train");
    assertThat(topics.allNames()).hasSize(12).allMatch(name -> name.startsWith("prod."));
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
            "streamtune.requests",
            "streamtune.predictions",
            "streamtune.labels",
            "streamtune.transforms");
  }

  @Test
  void transformsAreCompactedAndOtherTopicsKeepTheBrokerDefaults() {
    Topics topics = Topics.withDefaultPrefix();

    assertThat(topics.configsOf("streamtune.transforms"))
        .containsEntry("cleanup.policy", "compact")
        .containsEntry("max.message.bytes", "16777216");
    assertThat(topics.configsOf("streamtune.raw")).isEmpty();
    assertThat(topics.configsOf("other.transforms")).isEmpty();
  }
}
