package io.streamtune.preprocess.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.preprocess.TestSpecs;
import io.streamtune.preprocess.core.steps.ReferenceProfile;
import io.streamtune.schemas.avro.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The background feed of the reference profile: bounded, and its failures are not swallowed. */
class ProfileFeedTest {

  private final ExecutorService thread = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    thread.shutdownNow();
  }

  private static List<ValidatedRow> rows(int n) {
    List<ValidatedRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(Rows.row("r" + i, Split.TRAIN, 1000.0 + i, 20.0 + i % 50, "rent"));
    }
    return rows;
  }

  private static ReferenceProfile profile() {
    return new ReferenceProfile(TabularLayout.of(TestSpecs.credit()), 200);
  }

  @Test
  void aStalledThreadHoldsTheCallerBackAfterAFewBatches() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ProfileFeed feed = new ProfileFeed();
    feed.inBackground(GatedExecutor.behind(release, thread));
    ReferenceProfile profile = profile();
    List<ValidatedRow> rows = rows(20_000);
    AtomicInteger given = new AtomicInteger();
    Thread caller =
        new Thread(
            () -> {
              for (ValidatedRow row : rows) {
                feed.add(profile, row);
                given.incrementAndGet();
              }
              feed.flush();
            });
    caller.start();
    caller.join(500);

    assertThat(caller.isAlive()).as("held back while the other thread stalls").isTrue();
    assertThat(given.get()).isLessThan(512 * (ProfileFeed.BATCHES_IN_FLIGHT + 2));

    release.countDown();
    caller.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(caller.isAlive()).isFalse();
    assertThat(profile.rows()).isEqualTo(rows.size());
  }

  @Test
  void aFailedBatchFailsTheNextRead() {
    ProfileFeed feed = new ProfileFeed();
    feed.inBackground(thread);
    ReferenceProfile profile = profile();
    ValidatedRow wrongWidth =
        new ValidatedRow(
            "bad", 0, "good", 0, new double[0], new String[0], Split.TRAIN, null, null, null);
    feed.add(profile, wrongWidth);
    assertThatThrownBy(feed::flush).isInstanceOf(ArrayIndexOutOfBoundsException.class);
  }
}
