package io.streamtune.launcher;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.dashboard.projection.TsneOptions;
import io.streamtune.dashboard.projection.TsneProgress;
import io.streamtune.dashboard.web.DashboardServer;
import io.streamtune.dashboard.web.DashboardSettings;
import io.streamtune.dashboard.web.DashboardState;
import io.streamtune.dashboard.web.HoldoutMap;
import io.streamtune.schemas.topics.TopicDef;
import io.streamtune.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's Kafka adapter: follows the metrics, control and dead-letter topics from their
 * beginning ({@code read_committed}, groups of its own) into a {@link DashboardState}, maps the
 * holdout examples ({@link HoldoutMap}) and serves it all with a {@link DashboardServer}. {@link
 * #run()} blocks until {@link #close()}.
 */
final class DashboardFeed implements Runnable, AutoCloseable {

  /** How often the holdout's maps are rebuilt when new holdout examples arrived. */
  static final Duration MAP_INTERVAL = Duration.ofSeconds(2);

  /** How often the consumer lag of the pipeline's groups is read. */
  static final Duration LAG_INTERVAL = Duration.ofSeconds(3);

  /** The topics whose growth the throughput panel shows: each stage's output. */
  private static final List<TopicDef<?, ?>> THROUGHPUT_TOPICS =
      List.of(
          Topics.RAW,
          Topics.EXAMPLES_TRAIN,
          Topics.EXAMPLES_HOLDOUT,
          Topics.MODELS,
          Topics.METRICS,
          Topics.PREDICTIONS,
          Topics.DEADLETTER);

  private static final Logger LOG = LoggerFactory.getLogger(DashboardFeed.class);

  private final DashboardState state = new DashboardState();
  private final HoldoutMap holdout = new HoldoutMap();
  private final ChampionPredictor champion;
  private final List<TopicFollower<?>> followers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final DashboardServer server;
  private final CountDownLatch closed = new CountDownLatch(1);

  private DashboardFeed(KafkaConnection kafka, DashboardSettings settings, Path modelStore) {
    // the port first, the step that commonly fails (port taken), before any consumer exists
    this.server = DashboardServer.start(state, settings);
    this.champion = new ChampionPredictor(modelStore);
    try {
      follow(kafka);
    } catch (RuntimeException | Error e) {
      // nothing runs yet: close what was opened, the port first, or it stays bound
      followers.forEach(TopicFollower::discard);
      champion.close();
      server.close();
      throw e;
    }
    for (TopicFollower<?> follower : followers) {
      Thread thread = new Thread(follower, "streamtune-dashboard-follower");
      thread.setDaemon(true);
      thread.start();
      threads.add(thread);
    }
    Thread lag = new Thread(() -> readLag(kafka), "streamtune-dashboard-lag");
    lag.setDaemon(true);
    lag.start();
    threads.add(lag);
    Thread mapping = new Thread(this::buildMaps, "streamtune-dashboard-map");
    mapping.setDaemon(true);
    mapping.start();
    threads.add(mapping);
  }

  /** Makes a follower (its consumer subscribed, not polling yet) for each followed topic. */
  private void follow(KafkaConnection kafka) {
    followers.add(
        new TopicFollower<>(
            kafka,
            Topics.MODELS_PROMOTED,
            "dashboard-champion",
            r -> true,
            champion::accept,
            false));
    followers.add(
        new TopicFollower<>(
            kafka, Topics.METRICS, "dashboard-metrics", r -> true, state::accept, false));
    followers.add(
        new TopicFollower<>(
            kafka, Topics.CONTROL, "dashboard-control", r -> true, state::accept, false));
    followers.add(
        new TopicFollower<>(
            kafka, Topics.DEADLETTER, "dashboard-deadletter", r -> true, state::accept, false));
    // the fitted transforms carry the bad cells made missing per column
    followers.add(
        new TopicFollower<>(
            kafka, Topics.TRANSFORMS, "dashboard-transforms", r -> true, state::accept, false));
    // counted by label as they pass, none kept: the class counts before and after rebalancing
    followers.add(
        new TopicFollower<>(
            kafka,
            Topics.EXAMPLES_TRAIN,
            "dashboard-train",
            r -> true,
            state::acceptTrainExample,
            false));
    followers.add(
        new TopicFollower<>(
            kafka,
            Topics.EXAMPLES_HOLDOUT,
            "dashboard-holdout",
            r -> true,
            holdout::accept,
            false));
  }

  /**
   * Reads every stage's consumer lag (as {@code streamtune status} does) and the stages' end
   * offsets until closed, with one admin client for both and for every reading.
   */
  private void readLag(KafkaConnection kafka) {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      while (!closed.await(LAG_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
        try {
          Map<String, Long> lag = new TreeMap<>(StatusCommand.lagByGroup(admin));
          // followers (the dashboard's own, the demo's watchers) commit nothing: no stage
          lag.keySet()
              .removeIf(
                  group ->
                      group.startsWith("streamtune-dashboard-") || group.contains("-watcher-"));
          state.acceptLag(lag);
          // a monotonic clock: a wall clock stepped back would make the rates refuse the reading
          state.acceptEndOffsets(
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime()), endOffsets(kafka, admin));
        } catch (ExecutionException | TimeoutException | KafkaException e) {
          // the broker is away for a moment: keep the last reading, try again
          LOG.debug("dashboard: cannot read consumer lag: {}", e.getMessage());
        } catch (RuntimeException e) {
          // anything else must not end the reading thread silently: lag and throughput would freeze
          LOG.warn("dashboard: lag and throughput reading failed: {}", e.toString());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The end offset of each pipeline stage's output topic (summed over its partitions), by the
   * topic's short name; a topic not created yet is left out.
   */
  private static Map<String, Long> endOffsets(KafkaConnection kafka, Admin admin)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<String, String> shortNames = new TreeMap<>();
    for (TopicDef<?, ?> topic : THROUGHPUT_TOPICS) {
      shortNames.put(kafka.topics().name(topic), topic.suffix());
    }
    long timeout = StatusCommand.ADMIN_TIMEOUT.toMillis();
    Map<String, Long> ends = new TreeMap<>();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (Map.Entry<String, KafkaFuture<TopicDescription>> described :
        admin.describeTopics(shortNames.keySet()).topicNameValues().entrySet()) {
      try {
        described
            .getValue()
            .get(timeout, TimeUnit.MILLISECONDS)
            .partitions()
            .forEach(
                p ->
                    latest.put(
                        new TopicPartition(described.getKey(), p.partition()),
                        OffsetSpec.latest()));
      } catch (ExecutionException e) {
        LOG.debug("dashboard: no end offsets of {}: {}", described.getKey(), e.getMessage());
      }
    }
    admin
        .listOffsets(latest)
        .all()
        .get(timeout, TimeUnit.MILLISECONDS)
        .forEach(
            (partition, info) ->
                ends.merge(shortNames.get(partition.topic()), info.offset(), Long::sum));
    return ends;
  }

  /** Redraws the holdout's maps while new holdout examples arrive, until closed. */
  private void buildMaps() {
    try {
      while (!closed.await(MAP_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
        try {
          Map<String, Object> maps =
              holdout.buildIfChanged(
                  TsneOptions.defaults(),
                  new TsneProgress() {
                    @Override
                    public void report(int iteration, int iterations, double klDivergence) {}

                    @Override
                    public boolean cancelRequested() {
                      return closed.getCount() == 0;
                    }
                  },
                  champion);
          if (maps != null) {
            state.acceptMap(maps);
          }
        } catch (IllegalArgumentException e) {
          // examples the projection cannot place (e.g. one class's constant features): keep the
          // last map and say why
          LOG.warn("dashboard: cannot map the holdout: {}", e.getMessage());
        } catch (CancellationException e) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Starts following the topics and serving the page.
   *
   * @param modelStore the model store the champion is loaded from to mark the map's errors
   */
  static DashboardFeed start(KafkaConnection kafka, DashboardSettings settings, Path modelStore) {
    return new DashboardFeed(kafka, settings, modelStore);
  }

  /** What to add to the printed address when a token is required (the token itself never). */
  static String tokenNote(DashboardSettings settings) {
    return settings.token() == null ? "" : " (access token required: open it with ?token=<token>)";
  }

  /** The page's address, {@code http://host:port/}. */
  String url() {
    return server.url();
  }

  DashboardState state() {
    return state;
  }

  @Override
  public void run() {
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.close();
    followers.forEach(TopicFollower::close);
    for (Thread thread : threads) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    champion.close();
  }
}
