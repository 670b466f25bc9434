package io.streamtune.launcher;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.dashboard.projection.TsneOptions;
import io.streamtune.dashboard.projection.TsneProgress;
import io.streamtune.dashboard.web.DashboardServer;
import io.streamtune.dashboard.web.DashboardSettings;
import io.streamtune.dashboard.web.DashboardState;
import io.streamtune.dashboard.web.HoldoutMap;
import io.streamtune.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
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

  private static final Logger LOG = LoggerFactory.getLogger(DashboardFeed.class);

  private final DashboardState state = new DashboardState();
  private final HoldoutMap holdout = new HoldoutMap();
  private final ChampionPredictor champion;
  private final List<TopicFollower<?>> followers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final DashboardServer server;
  private final CountDownLatch closed = new CountDownLatch(1);

  private DashboardFeed(KafkaConnection kafka, DashboardSettings settings, Path modelStore) {
    // the port first: a follower's consumer is closed by its own thread, so none may exist
    // before the one step that commonly fails (port taken)
    this.server = DashboardServer.start(state, settings);
    this.champion = new ChampionPredictor(modelStore);
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

  /** Reads every stage's consumer lag (as {@code streamtune status} does) until closed. */
  private void readLag(KafkaConnection kafka) {
    try {
      while (!closed.await(LAG_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
        try {
          Map<String, Long> lag = new TreeMap<>(StatusCommand.lagByGroup(kafka));
          // followers (the dashboard's own, the demo's watchers) commit nothing: no stage
          lag.keySet()
              .removeIf(
                  group ->
                      group.startsWith("streamtune-dashboard-") || group.contains("-watcher-"));
          state.acceptLag(lag);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
          // the broker is away for a moment: keep the last reading, try again
          LOG.debug("dashboard: cannot read consumer lag: {}", e.getMessage());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
