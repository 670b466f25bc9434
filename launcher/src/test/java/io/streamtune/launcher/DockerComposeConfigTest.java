package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.evaluator.EvaluatorConfig;
import io.streamtune.preprocess.PreprocessConfig;
import io.streamtune.schemas.config.ConfigKey;
import io.streamtune.trainer.TrainerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs here, so docker-compose.yml is checked by reading it: every STREAMTUNE_*
 * variable a project service sets must be a key that service's config class reads, and the
 * addresses it names must be ones the infrastructure services listen on.
 */
class DockerComposeConfigTest {

  private static final Path COMPOSE = Path.of("..", "docker-compose.yml");

  private static final Map<String, List<ConfigKey<?>>> KEYS_BY_SERVICE =
      Map.of(
          "jobmanager", PreprocessConfig.KEYS,
          "taskmanager", PreprocessConfig.KEYS,
          "trainer", TrainerConfig.KEYS,
          "evaluator", EvaluatorConfig.KEYS);

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> services() throws IOException {
    Map<String, Object> compose = new Yaml().load(Files.readString(COMPOSE));
    return (Map<String, Map<String, Object>>) compose.get("services");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> environment(Map<String, Object> service) {
    Map<String, Object> env = (Map<String, Object>) service.getOrDefault("environment", Map.of());
    return env.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
  }

  @Test
  void everyProjectServiceIsCheckedAndBuiltFromTheRepo() throws IOException {
    Map<String, Map<String, Object>> services = services();

    assertThat(services)
        .containsKeys(
            "kafka", "schema-registry", "jobmanager", "taskmanager", "trainer", "evaluator");
    KEYS_BY_SERVICE.keySet().forEach(name -> assertThat(services.get(name)).containsKey("build"));
  }

  @Test
  void everyStreamtuneVariableIsAKeyTheServiceReads() throws IOException {
    services()
        .forEach(
            (name, service) -> {
              Set<String> set =
                  environment(service).keySet().stream()
                      .filter(key -> key.startsWith(ConfigKey.ENV_PREFIX))
                      .collect(Collectors.toSet());
              if (!KEYS_BY_SERVICE.containsKey(name)) {
                assertThat(set).as("service %s is not a streamtune service", name).isEmpty();
                return;
              }
              Set<String> known =
                  KEYS_BY_SERVICE.get(name).stream()
                      .map(ConfigKey::envName)
                      .collect(Collectors.toSet());
              assertThat(set).as("STREAMTUNE_* variables of service %s", name).isNotEmpty();
              assertThat(known).as("keys read by service %s", name).containsAll(set);
            });
  }

  @Test
  void servicesPointAtTheBrokerListenerAndRegistryInTheFile() throws IOException {
    Map<String, Map<String, Object>> services = services();
    String advertised = environment(services.get("kafka")).get("KAFKA_ADVERTISED_LISTENERS");
    String registryListeners =
        environment(services.get("schema-registry")).get("SCHEMA_REGISTRY_LISTENERS");
    for (String name : KEYS_BY_SERVICE.keySet()) {
      Map<String, String> env = environment(services.get(name));
      assertThat(advertised).contains("//" + env.get("STREAMTUNE_KAFKA_BOOTSTRAP_SERVERS"));
      String registry = env.get("STREAMTUNE_SCHEMA_REGISTRY_URL");
      assertThat(registry).startsWith("http://schema-registry:");
      assertThat(registryListeners).endsWith(registry.substring(registry.lastIndexOf(':')));
      assertThat(env.get("STREAMTUNE_PIPELINE_SPEC")).startsWith("/pipelines/");
    }
  }

  @Test
  void theMountedPipelineSpecExistsInTheRepo() throws IOException {
    String spec = environment(services().get("trainer")).get("STREAMTUNE_PIPELINE_SPEC");

    assertThat(Path.of("..", "pipelines").resolve(Path.of(spec).getFileName())).exists();
  }

  @Test
  void theDockerfilesItBuildsExist() throws IOException {
    services().values().stream()
        .filter(service -> service.containsKey("build"))
        .forEach(
            service -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> build = (Map<String, Object>) service.get("build");
              assertThat(Path.of("..").resolve((String) build.get("dockerfile"))).exists();
            });
  }
}
