package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.streamtune.embedded.ChildJvm;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer as a separate OS process, killed with SIGKILL and restarted: no clean close, no
 * LeaveGroup, as after a crash or an OOM kill. Without static membership the restarted trainer got
 * no partition until the dead member's session expired (45 s; measured 40+ s after each of 6
 * kills), so no version in that time.
 */
class TrainerKillRestartProcessTest {

  static final String UP_LINE = "trainer process up";

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aTrainerKilledWithSigkillPublishesAgainWithinSecondsOfItsRestart(@TempDir Path dir)
      throws Exception {
    TrainerKafkaFixture fixture =
        new TrainerKafkaFixture(
            KAFKA, new Topics("kill."), TestSpecs.spec(), dir.resolve("store"), "trainer-kill");
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, TestSpecs.YAML);

    fixture.produce(TestSpecs.examples(150, 1));
    Process first = start(spec, fixture, dir.resolve("first.log"));
    awaitUp(first, dir.resolve("first.log"));
    assertThat(fixture.readVersions(1)).hasSize(1);
    first.destroyForcibly(); // SIGKILL
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

    fixture.produce(TestSpecs.examples(150, 2));
    Process second = start(spec, fixture, dir.resolve("second.log"));
    List<ModelVersion> versions;
    double secondsToFirstVersion;
    try {
      long up = awaitUp(second, dir.resolve("second.log"));
      versions = fixture.readVersions(2);
      secondsToFirstVersion = (System.nanoTime() - up) / 1e9;
    } finally {
      second.destroy();
      second.waitFor(30, TimeUnit.SECONDS);
    }

    assertThat(secondsToFirstVersion)
        .as("seconds from the restarted process being up to its first version")
        .isLessThan(10.0);
    assertThat(versions).extracting(ModelVersion::getVersion).containsExactly(1, 2);
    // nothing lost or read twice across the kill: the ranges tile each partition from 0, and
    // every offset they cover is one example counted in exactly one version
    long covered =
        fixture.assertContiguous(versions).values().stream().mapToLong(Long::longValue).sum();
    assertThat(covered)
        .isEqualTo(versions.stream().mapToLong(ModelVersion::getNewExamples).sum())
        .isGreaterThanOrEqualTo(200);
    assertThat(versions.get(1).getParentVersion()).isEqualTo(1);
  }

  private static Process start(Path spec, TrainerKafkaFixture fixture, Path log)
      throws IOException {
    List<String> command = ChildJvm.command(TrainerProcessMain.class.getName());
    command.add(KAFKA.bootstrapServers());
    command.add(KAFKA.schemaRegistryUrl());
    command.add("kill.");
    command.add(spec.toString());
    command.add(fixture.storeRoot().toString());
    command.add("trainer-kill");
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** Waits for the process's "up" line; returns System.nanoTime() when it was seen. */
  private static long awaitUp(Process process, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(UP_LINE)) {
        return System.nanoTime();
      }
      if (!process.isAlive()) {
        fail("trainer process exited with %d:%n%s", process.exitValue(), tail(log));
      }
      Thread.sleep(50);
    }
    process.destroyForcibly();
    return fail("trainer process not up within 60 s:%n%s", tail(log));
  }

  private static String tail(Path log) throws IOException {
    String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    return text.substring(Math.max(0, text.length() - 4_000));
  }
}
