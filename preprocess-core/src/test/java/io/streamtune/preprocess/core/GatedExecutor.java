package io.streamtune.preprocess.core;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;

/** Tests' executor whose tasks run on {@code thread} only once {@code release} opens. */
final class GatedExecutor {

  private GatedExecutor() {}

  static Executor behind(CountDownLatch release, Executor thread) {
    return task ->
        thread.execute(
            () -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              task.run();
            });
  }
}
