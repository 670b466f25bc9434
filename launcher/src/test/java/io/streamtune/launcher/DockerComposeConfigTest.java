package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.metrics.MetricsSettings;
import io.streamtune.evaluator.EvaluatorConfig;
import io.streamtune.feedback.FeedbackConfig;
import io.streamtune.preprocess.PreprocessConfig;
import io.streamtune.preprocess.flink.StageMetricsReporter;
import io.streamtune.serve.ServeConfig;
import io.streamtune.trainer.TrainerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs here, so docker-compose.yml and its GPU override docker-compose.gpu.yml are
 * checked by reading them: every STREAMTUNE_* variable a project service sets must be a key that
 * service's config class reads, the addresses it names must be ones the infrastructure services
 * listen on, the base file must start without the NVIDIA toolkit and publish nothing beyond
 * 127.0.0.1, and the override must put the trainer on a GPU with the libtorch this build's DJL
 * loads. DockerComposeCliTest has docker-compose itself validate both files where it is installed.
 */
class DockerComposeConfigTest {

  static final Path ROOT = Path.of("..");
  static final String BASE = "docker-compose.yml";
  static final String GPU = "docker-compose.gpu.yml";

  private static final Map<String, List<ConfigKey<?>>> KEYS_BY_SERVICE =
      Map.of(
          "jobmanager", PreprocessConfig.KEYS,
          "taskmanager", PreprocessConfig.KEYS,
          "trainer", ServiceMetrics.keys(TrainerConfig.KEYS, MetricsSettings.TRAINER_PORT),
          "evaluator", ServiceMetrics.keys(EvaluatorConfig.KEYS, MetricsSettings.EVALUATOR_PORT),
          "serve", ServiceMetrics.keys(ServeConfig.KEYS, MetricsSettings.SERVE_PORT),
          "feedback", ServiceMetrics.keys(FeedbackConfig.KEYS, MetricsSettings.FEEDBACK_PORT));

  /** Where each service serves /metrics in compose: its metrics.port default. */
  private static final Map<String, Integer> METRICS_PORTS =
      Map.of(
          "jobmanager", MetricsSettings.PREPROCESS_PORT,
          "taskmanager", MetricsSettings.PREPROCESS_PORT,
          "trainer", MetricsSettings.TRAINER_PORT,
          "evaluator", MetricsSettings.EVALUATOR_PORT,
          "serve", MetricsSettings.SERVE_PORT,
          "feedback", MetricsSettings.FEEDBACK_PORT);

  /** "127.0.0.1:9092:9092", optionally with a protocol. */
  private static final Pattern LOOPBACK_PORT =
      Pattern.compile("127\\.0\\.0\\.1:\\d+(-\\d+)?:\\d+(-\\d+)?(/(tcp|udp))?");

  @SuppressWarnings("unchecked")
  static Map<String, Object> compose(String file) throws IOException {
    return (Map<String, Object>) new Yaml().load(Files.readString(ROOT.resolve(file)));
  }

  /** A YAML file of the repository as maps and lists. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(String file) throws IOException {
    return (Map<String, Object>) new Yaml().load(Files.readString(ROOT.resolve(file)));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> services(Map<String, Object> compose) {
    return (Map<String, Map<String, Object>>) compose.get("services");
  }

  private static Map<String, Map<String, Object>> services(String file) throws IOException {
    return services(compose(file));
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> environment(Map<String, Object> service) {
    Map<String, Object> env = (Map<String, Object>) service.getOrDefault("environment", Map.of());
    return env.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
  }

  /** The value at a path of map keys, or null where the path ends early. */
  @SuppressWarnings("unchecked")
  static Object at(Map<String, Object> map, String... keys) {
    Object node = map;
    for (String key : keys) {
      if (!(node instanceof Map)) {
        return null;
      }
      node = ((Map<String, Object>) node).get(key);
    }
    return node;
  }

  /** deploy.resources.reservations.devices of a service (empty when it reserves none). */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> reservedDevices(Map<String, Object> service) {
    Object devices = at(service, "deploy", "resources", "reservations", "devices");
    return devices == null ? List.of() : (List<Map<String, Object>>) devices;
  }

  /** The libtorch version the build's DJL PyTorch engine (and its JNI) is made for. */
  static String enginePytorchVersion() throws IOException {
    try (InputStream in =
        DockerComposeConfigTest.class
            .getClassLoader()
            .getResourceAsStream("pytorch-engine.properties")) {
      assertThat(in).as("pytorch-engine.properties on the classpath").isNotNull();
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("pytorch_version");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void prometheusScrapesEveryServiceWhereItServesItsMetrics() throws IOException {
    Map<String, Map<String, Object>> services = services(BASE);
    assertThat(services).containsKeys("prometheus", "grafana");
    Map<String, Object> prometheus = yaml("docker/prometheus/prometheus.yml");
    List<String> targets = new java.util.ArrayList<>();
    for (Map<String, Object> job : (List<Map<String, Object>>) prometheus.get("scrape_configs")) {
      for (Map<String, Object> config : (List<Map<String, Object>>) job.get("static_configs")) {
        targets.addAll((List<String>) config.get("targets"));
      }
    }
    METRICS_PORTS.forEach((service, port) -> assertThat(targets).contains(service + ":" + port));
    // the services' endpoints listen on the compose network, the Flink reporter on every interface
    for (String service : List.of("trainer", "evaluator", "serve", "feedback")) {
      assertThat(environment(services.get(service)))
          .containsEntry(MetricsSettings.BIND_ADDRESS.envName(), "0.0.0.0");
    }
    for (String flink : List.of("jobmanager", "taskmanager")) {
      // compose reads "$$" as a literal "$"
      assertThat(environment(services.get(flink)).get("FLINK_PROPERTIES").replace("$$", "$"))
          .contains(
              "metrics.reporter.streamtune.factory.class: "
                  + StageMetricsReporter.Factory.class.getName())
          .contains("metrics.reporter.streamtune.port: " + MetricsSettings.PREPROCESS_PORT);
    }
    // the recovery settings the chaos suite measured restarts with
    String jobManager = environment(services.get("jobmanager")).get("FLINK_PROPERTIES");
    io.streamtune.launcher.chaos.FlinkRecoverySettings.heartbeats()
        .forEach((key, value) -> assertThat(jobManager).contains(key + ": " + value));
    String taskManager = environment(services.get("taskmanager")).get("FLINK_PROPERTIES");
    io.streamtune.launcher.chaos.FlinkRecoverySettings.taskManager()
        .forEach((key, value) -> assertThat(taskManager).contains(key + ": " + value));
    assertThat((List<String>) services.get("prometheus").get("volumes"))
        .contains("./docker/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
  }

  @Test
  @SuppressWarnings("unchecked")
  void grafanaIsProvisionedWithThePrometheusSourceAndTheDashboard() throws IOException {
    Map<String, Object> grafana = services(BASE).get("grafana");
    assertThat((List<String>) grafana.get("volumes"))
        .contains(
            "./docker/grafana/provisioning:/etc/grafana/provisioning:ro",
            "./docker/grafana/dashboards:/var/lib/grafana/dashboards:ro");
    Map<String, Object> sources = yaml("docker/grafana/provisioning/datasources/prometheus.yml");
    Map<String, Object> source = ((List<Map<String, Object>>) sources.get("datasources")).get(0);
    assertThat(source)
        .containsEntry("type", "prometheus")
        .containsEntry("url", "http://prometheus:9090");
    Map<String, Object> providers = yaml("docker/grafana/provisioning/dashboards/streamtune.yml");
    assertThat(
            at(((List<Map<String, Object>>) providers.get("providers")).get(0), "options", "path"))
        .isEqualTo("/var/lib/grafana/dashboards");
    // every panel and query of the dashboard uses the provisioned source
    for (com.fasterxml.jackson.databind.JsonNode panel : GrafanaDashboard.read().path("panels")) {
      assertThat(panel.path("datasource").path("uid").asText())
          .as(panel.path("title").asText())
          .isEqualTo(source.get("uid"));
    }
  }

  @Test
  void everyProjectServiceIsCheckedAndBuiltFromTheRepo() throws IOException {
    Map<String, Map<String, Object>> services = services(BASE);

    assertThat(services)
        .containsKeys(
            "kafka",
            "schema-registry",
            "jobmanager",
            "taskmanager",
            "trainer",
            "evaluator",
            "serve",
            "feedback");
    KEYS_BY_SERVICE.keySet().forEach(name -> assertThat(services.get(name)).containsKey("build"));
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, GPU})
  void everyStreamtuneVariableIsAKeyTheServiceReads(String file) throws IOException {
    services(file)
        .forEach(
            (name, service) -> {
              Set<String> set =
                  environment(service).keySet().stream()
                      .filter(key -> key.startsWith(ConfigKey.ENV_PREFIX))
                      .collect(Collectors.toSet());
              if (!KEYS_BY_SERVICE.containsKey(name)) {
                assertThat(set)
                    .as("%s: service %s is not a streamtune service", file, name)
                    .isEmpty();
                return;
              }
              Set<String> known =
                  KEYS_BY_SERVICE.get(name).stream()
                      .map(ConfigKey::envName)
                      .collect(Collectors.toSet());
              assertThat(set)
                  .as("%s: STREAMTUNE_* variables of service %s", file, name)
                  .isNotEmpty();
              assertThat(known).as("keys read by service %s", name).containsAll(set);
            });
  }

  @Test
  void servicesPointAtTheBrokerListenerAndRegistryInTheFile() throws IOException {
    Map<String, Map<String, Object>> services = services(BASE);
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
    String spec = environment(services(BASE).get("trainer")).get("STREAMTUNE_PIPELINE_SPEC");

    assertThat(ROOT.resolve("pipelines").resolve(Path.of(spec).getFileName())).exists();
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, GPU})
  void theDockerfilesItBuildsExist(String file) throws IOException {
    services(file).values().stream()
        .filter(service -> service.containsKey("build"))
        .forEach(
            service -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> build = (Map<String, Object>) service.get("build");
              assertThat(ROOT.resolve((String) build.get("dockerfile"))).exists();
            });
  }

  @Test
  void theBaseFileStartsWithoutTheNvidiaToolkit() throws IOException {
    services(BASE)
        .forEach(
            (name, service) ->
                assertThat(reservedDevices(service))
                    .as("device reservation of %s in %s (belongs in %s)", name, BASE, GPU)
                    .isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, GPU})
  void everyPublishedPortIsBoundToLoopbackOnly(String file) throws IOException {
    int published = 0;
    for (Map.Entry<String, Map<String, Object>> service : services(file).entrySet()) {
      @SuppressWarnings("unchecked")
      List<Object> ports = (List<Object>) service.getValue().getOrDefault("ports", List.of());
      for (Object port : ports) {
        published++;
        if (port instanceof Map<?, ?> longSyntax) {
          assertThat(longSyntax.get("host_ip"))
              .as("%s: host_ip of a port of %s", file, service.getKey())
              .isEqualTo("127.0.0.1");
        } else {
          assertThat(String.valueOf(port))
              .as("%s: a port of %s", file, service.getKey())
              .matches(LOOPBACK_PORT);
        }
      }
    }
    if (file.equals(BASE)) {
      // Kafka, the registry, the Flink UI, POST /predict, Prometheus and Grafana: the ones
      // ./streamtune and README use (the services' /metrics stay on the compose network)
      assertThat(published).isEqualTo(6);
    }
  }

  @Test
  void theProjectNameComesFromDotEnvWhichComposeV1AndV2BothRead() throws IOException {
    // docker-compose 1.29 rejects a top-level `name:`; both read COMPOSE_PROJECT_NAME from .env
    assertThat(compose(BASE)).doesNotContainKey("name");
    assertThat(compose(GPU)).doesNotContainKey("name");
    assertThat(Files.readAllLines(ROOT.resolve(".env")))
        .contains("COMPOSE_PROJECT_NAME=streamtune");
  }

  @Test
  void theGpuOverrideReservesAGpuForTheTrainerAndLoadsCudaNatives() throws IOException {
    Map<String, Object> compose = compose(GPU);
    Map<String, Map<String, Object>> services = services(compose);

    assertThat(services).containsOnlyKeys("trainer");
    Map<String, Object> trainer = services.get("trainer");
    assertThat(reservedDevices(trainer))
        .singleElement()
        .satisfies(
            device -> {
              assertThat(device).containsEntry("driver", "nvidia").containsEntry("count", 1);
              assertThat(device.get("capabilities")).asList().contains("gpu");
            });
    assertThat(at(trainer, "build", "dockerfile")).isEqualTo("docker/service-gpu.Dockerfile");
    Map<String, String> env = environment(trainer);
    assertThat(env)
        .containsEntry(TrainerConfig.DEVICE.envName(), "gpu")
        .containsEntry("PYTORCH_FLAVOR", "cu128")
        .containsEntry("PYTORCH_VERSION", enginePytorchVersion())
        .containsEntry("DJL_OFFLINE", "false")
        .doesNotContainKey("PYTORCH_LIBRARY_PATH");
    // the downloaded natives (GBs) outlive the container: a named volume at the DJL cache
    String cache = env.get("DJL_CACHE_DIR");
    assertThat(env).containsEntry("ENGINE_CACHE_DIR", cache);
    @SuppressWarnings("unchecked")
    List<String> volumes = (List<String>) trainer.get("volumes");
    String cacheVolume =
        volumes.stream()
            .filter(v -> v.split(":")[1].equals(cache))
            .map(v -> v.split(":")[0])
            .findFirst()
            .orElseThrow(() -> new AssertionError("no volume at " + cache + ": " + volumes));
    assertThat(at(compose, "volumes"))
        .asInstanceOf(InstanceOfAssertFactories.MAP)
        .containsKey(cacheVolume);
  }

  @Test
  void theGpuImageLoadsCudaNativesAndKeepsTheCpuImageMallocSettings() throws IOException {
    String gpu = instructions(ROOT.resolve("docker/service-gpu.Dockerfile"));
    String cpu = instructions(ROOT.resolve("docker/service.Dockerfile"));

    assertThat(envLine(gpu, "MALLOC_MMAP_THRESHOLD_"))
        .isEqualTo(envLine(cpu, "MALLOC_MMAP_THRESHOLD_"));
    assertThat(gpu)
        .contains("FROM nvidia/cuda:12.8")
        .contains("PYTORCH_FLAVOR=cu128")
        .contains("PYTORCH_VERSION=" + enginePytorchVersion())
        .contains("DJL_OFFLINE=false")
        // DJL takes bundled CPU natives before PYTORCH_FLAVOR: they must not be on the classpath
        .contains("rm /app/lib/pytorch-native-cpu-")
        .doesNotContain("ai.djl.offline=true");
    // the CPU image keeps its bundled natives
    assertThat(cpu).doesNotContain("PYTORCH_FLAVOR").doesNotContain("pytorch-native-cpu");
    // XGBoost's native library (backbone gbt) links the system OpenMP runtime
    assertThat(List.of(cpu, gpu)).allSatisfy(image -> assertThat(image).contains("libgomp1"));
  }

  /** A Dockerfile without its comment lines. */
  private static String instructions(Path dockerfile) throws IOException {
    return Files.readAllLines(dockerfile).stream()
        .filter(line -> !line.stripLeading().startsWith("#"))
        .collect(Collectors.joining("\n"));
  }

  /** The ENV line of a Dockerfile that sets {@code variable}. */
  private static String envLine(String dockerfile, String variable) {
    Matcher matcher =
        Pattern.compile("(?m)^ENV .*\\b" + Pattern.quote(variable) + "=.*$").matcher(dockerfile);
    assertThat(matcher.find()).as("an ENV line setting %s", variable).isTrue();
    return matcher.group();
  }
}
