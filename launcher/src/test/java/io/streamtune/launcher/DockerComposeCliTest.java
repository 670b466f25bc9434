package io.streamtune.launcher;

import static io.streamtune.launcher.DockerComposeConfigTest.BASE;
import static io.streamtune.launcher.DockerComposeConfigTest.GPU;
import static io.streamtune.launcher.DockerComposeConfigTest.ROOT;
import static io.streamtune.launcher.DockerComposeConfigTest.at;
import static io.streamtune.launcher.DockerComposeConfigTest.environment;
import static io.streamtune.launcher.DockerComposeConfigTest.reservedDevices;
import static io.streamtune.launcher.DockerComposeConfigTest.services;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Has docker-compose itself read the compose files (`config` needs no Docker engine), where the
 * binary is on the PATH: Debian's docker-compose 1.29 (apt-get install docker-compose) is the
 * oldest reader the files are kept valid for. Skipped elsewhere; DockerComposeConfigTest still
 * parses the files there.
 */
class DockerComposeCliTest {

  private static final Optional<Path> BINARY = onPath("docker-compose");

  @BeforeEach
  void needsDockerCompose() {
    assumeTrue(
        BINARY.isPresent(),
        "docker-compose is not on the PATH: the compose files are not validated by docker-compose"
            + " here (install it, e.g. apt-get install docker-compose, to run this test)");
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private record Run(int exitCode, String stdout, String stderr) {}

  /** docker-compose with the given files and arguments, in the repository root. */
  private static Run compose(List<String> files, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(BINARY.orElseThrow().toString());
    for (String file : files) {
      command.add("-f");
      command.add(file);
    }
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
    // the caller's own compose settings must not change what is validated
    Stream.of("COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "COMPOSE_PATH_SEPARATOR", "DOCKER_HOST")
        .forEach(builder.environment()::remove);
    Path stdout = Files.createTempFile("compose", ".out");
    Path stderr = Files.createTempFile("compose", ".err");
    try {
      Process process =
          builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("docker-compose " + command + " did not finish in 120 s");
      }
      return new Run(
          process.exitValue(),
          Files.readString(stdout, StandardCharsets.UTF_8),
          Files.readString(stderr, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }

  private static void assertValid(List<String> files) throws Exception {
    Run run = compose(files, "config", "-q");
    assertThat(run.exitCode())
        .as("docker-compose %s config -q; stderr:%n%s", files, run.stderr())
        .isZero();
  }

  @Test
  void theBaseFileIsValid() throws Exception {
    assertValid(List.of(BASE));
  }

  @Test
  void theBaseFileWithTheGpuOverrideIsValid() throws Exception {
    assertValid(List.of(BASE, GPU));
  }

  @Test
  void theMergedGpuTrainerKeepsTheBaseSettingsAndOnlyItReservesTheGpu() throws Exception {
    Run run = compose(List.of(BASE, GPU), "config");
    assertThat(run.exitCode()).as("stderr:%n%s", run.stderr()).isZero();
    @SuppressWarnings("unchecked")
    Map<String, Object> merged = (Map<String, Object>) new Yaml().load(run.stdout());
    Map<String, Map<String, Object>> services = services(merged);

    Map<String, Object> trainer = services.get("trainer");
    assertThat(reservedDevices(trainer))
        .singleElement()
        .satisfies(d -> assertThat(d).containsEntry("driver", "nvidia"));
    assertThat(at(trainer, "build", "dockerfile")).isEqualTo("docker/service-gpu.Dockerfile");
    assertThat(environment(trainer))
        .containsEntry("STREAMTUNE_TRAINER_DEVICE", "gpu")
        .containsEntry("PYTORCH_FLAVOR", "cu128")
        .containsKeys("STREAMTUNE_KAFKA_BOOTSTRAP_SERVERS", "STREAMTUNE_TRAINER_MODEL_STORE");
    assertThat(String.valueOf(trainer.get("volumes")))
        .contains("model-store:/model-store")
        .contains("djl-cache:/var/cache/djl");
    services.forEach(
        (name, service) -> {
          if (!name.equals("trainer")) {
            assertThat(reservedDevices(service)).as("devices of %s", name).isEmpty();
          }
        });
    assertThat(at(services.get("evaluator"), "build", "dockerfile"))
        .isEqualTo("docker/service.Dockerfile");
  }

  @Test
  void theNormalisedBaseFilePublishesOnLoopbackOnly() throws Exception {
    Run run = compose(List.of(BASE), "config");
    assertThat(run.exitCode()).as("stderr:%n%s", run.stderr()).isZero();
    @SuppressWarnings("unchecked")
    Map<String, Object> normalised = (Map<String, Object>) new Yaml().load(run.stdout());

    List<String> ports = new ArrayList<>();
    services(normalised)
        .values()
        .forEach(
            service -> {
              @SuppressWarnings("unchecked")
              List<Object> list = (List<Object>) service.getOrDefault("ports", List.of());
              list.forEach(port -> ports.add(String.valueOf(port)));
            });
    assertThat(ports)
        .containsExactlyInAnyOrder(
            "127.0.0.1:9092:9092/tcp",
            "127.0.0.1:8081:8081/tcp",
            "127.0.0.1:8082:8081/tcp",
            "127.0.0.1:8095:8095/tcp",
            "127.0.0.1:9090:9090/tcp",
            "127.0.0.1:3000:3000/tcp");
    // the nested factory class's "$" is escaped as "$$" (config prints a file compose reads again,
    // so it stays escaped there); an unescaped "$Factory" would have been read as an empty variable
    assertThat(environment(services(normalised).get("taskmanager")).get("FLINK_PROPERTIES"))
        .contains("factory.class: io.streamtune.preprocess.flink.StageMetricsReporter$$Factory");
  }
}
