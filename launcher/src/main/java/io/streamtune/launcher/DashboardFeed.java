package io.streamtune.launcher;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.dashboard.web.DashboardServer;
import io.streamtune.dashboard.web.DashboardSettings;
import io.streamtune.dashboard.web.DashboardState;
import io.streamtune.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The dashboard's Kafka adapter: follows the metrics, control and dead-letter topics from their
 * beginning ({@code read_committed}, groups of its own) into a {@link DashboardState} and serves it
 * with a {@link DashboardServer}. {@link #run()} blocks until {@link #close()}.
 */
final class DashboardFeed implements Runnable, AutoCloseable {

  private final DashboardState state = new DashboardState();
  private final List<TopicFollower<?>> followers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final DashboardServer server;
  private final CountDownLatch closed = new CountDownLatch(1);

  private DashboardFeed(KafkaConnection kafka, DashboardSettings settings) {
    followers.add(
        new TopicFollower<>(
            kafka, Topics.METRICS, "dashboard-metrics", r -> true, state::accept, false));
    followers.add(
        new TopicFollower<>(
            kafka, Topics.CONTROL, "dashboard-control", r -> true, state::accept, false));
    followers.add(
        new TopicFollower<>(
            kafka, Topics.DEADLETTER, "dashboard-deadletter", r -> true, state::accept, false));
    try {
      this.server = DashboardServer.start(state, settings);
    } catch (RuntimeException e) {
      followers.forEach(TopicFollower::close);
      throw e;
    }
    for (TopicFollower<?> follower : followers) {
      Thread thread = new Thread(follower, "streamtune-dashboard-follower");
      thread.setDaemon(true);
      thread.start();
      threads.add(thread);
    }
  }

  /** Starts following the topics and serving the page. */
  static DashboardFeed start(KafkaConnection kafka, DashboardSettings settings) {
    return new DashboardFeed(kafka, settings);
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
    server.close();
    followers.forEach(TopicFollower::close);
    for (Thread thread : threads) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closed.countDown();
  }
}
