package io.streamtune.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class FlinkSessionTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void subtasksAreNamedByTheirTaskManagerInSubtaskOrder() throws Exception {
    // the shape of Flink 2.2's /jobs/<job>/vertices/<vertex> answer, subtasks out of order
    String details =
        """
        {"id": "cbc357ccb763df2852fee8c4fc7d55f2", "name": "Source: raw source -> decode",
         "parallelism": 2, "subtasks": [
          {"subtask": 1, "status": "RUNNING", "attempt": 0, "endpoint": "127.0.0.1:41001",
           "taskmanager-id": "taskmanager-2", "start-time": 1, "metrics": {}},
          {"subtask": 0, "status": "RUNNING", "attempt": 0, "endpoint": "127.0.0.1:41000",
           "taskmanager-id": "taskmanager-1", "start-time": 1, "metrics": {}}]}
        """;

    assertThat(FlinkSession.subtaskTaskManagers(JSON.readTree(details)))
        .containsExactly("taskmanager-1", "taskmanager-2");
  }

  @Test
  void aSubtaskWithoutATaskManagerIdIsNamedByItsEndpoint() throws Exception {
    String details =
        """
        {"subtasks": [{"subtask": 0, "endpoint": "127.0.0.1:41000"}, {"subtask": 1}]}
        """;

    assertThat(FlinkSession.subtaskTaskManagers(JSON.readTree(details)))
        .containsExactly("127.0.0.1:41000", "?");
  }
}
