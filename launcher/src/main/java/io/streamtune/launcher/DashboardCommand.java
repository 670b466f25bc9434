package io.streamtune.launcher;

import io.streamtune.common.config.CommonKeys;
import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.config.KafkaConnection;
import io.streamtune.dashboard.web.DashboardSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description =
        "Serve the web dashboard (loopback, port 8088 by default): it follows the metrics, control,"
            + " dead-letter, transforms, training and holdout topics live and shows every version's scores"
            + " with intervals, the gate's decisions, the champion's confusion matrix and per-class"
            + " F1, online windows, drift detections, dead letters, bad cells made missing per column,"
            + " class counts before and after"
            + " rebalancing, throughput and lag per stage, and a PCA / t-SNE map of the holdout"
            + " (by the features, or by the champion's embedding of texts and images) with the"
            + " champion's errors marked, and for image pipelines an augmentation gallery."
            + " With --token (dashboard.token), every request needs Authorization: Bearer <token>"
            + " or ?token=<token>.")
final class DashboardCommand extends ServiceCommand {

  static final ConfigKey<String> MODEL_STORE =
      ConfigKey.string(
          "dashboard.model.store",
          "model-store",
          "Model store directory (the trainer's) the champion is loaded from to mark the holdout"
              + " map's misclassified examples");

  static final List<ConfigKey<?>> KEYS = dashboardKeys();

  DashboardCommand() {
    super(
        KEYS,
        source -> {
          KafkaConnection kafka = KafkaConnection.from(source);
          DashboardSettings settings = DashboardSettings.from(source);
          try (DashboardFeed feed =
              DashboardFeed.start(kafka, settings, Path.of(source.get(MODEL_STORE)))) {
            System.out.println("dashboard: " + feed.url() + DashboardFeed.tokenNote(settings));
            return ServiceRunner.runUntilShutdown(
                "dashboard", feed, CommonKeys.shutdownTimeout(source));
          }
        });
  }

  private static List<ConfigKey<?>> dashboardKeys() {
    List<ConfigKey<?>> keys = new ArrayList<>();
    keys.add(CommonKeys.BOOTSTRAP_SERVERS);
    keys.add(CommonKeys.SCHEMA_REGISTRY_URL);
    keys.add(CommonKeys.TOPIC_PREFIX);
    keys.add(CommonKeys.SHUTDOWN_TIMEOUT_MS);
    keys.addAll(DashboardSettings.KEYS);
    keys.add(MODEL_STORE);
    return List.copyOf(keys);
  }
}
