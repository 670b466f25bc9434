package io.streamtune.preprocess.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class NeighbourThreadsTest {

  @Test
  void theCountDefaultsToTheProcessorsCappedAndTheSettingIsValidated() {
    assertThat(NeighbourThreads.parse(null))
        .isEqualTo(
            Math.min(NeighbourThreads.DEFAULT_CAP, Runtime.getRuntime().availableProcessors()));
    assertThat(NeighbourThreads.parse(" 3 ")).isEqualTo(3);
    assertThat(NeighbourThreads.parse("1")).isEqualTo(1);
    for (String bad : new String[] {"0", "-2", "two", "257"}) {
      assertThatThrownBy(() -> NeighbourThreads.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("streamtune.neighbour.threads")
          .hasMessageContaining("1 to 256")
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void fewPointsAreSearchedOnFewerThreads() {
    assertThat(NeighbourThreads.of(4).forPoints(500).count()).isEqualTo(1);
    assertThat(NeighbourThreads.of(4).forPoints(2_500).count()).isEqualTo(2);
    assertThat(NeighbourThreads.of(4).forPoints(100_000).count()).isEqualTo(4);
  }

  @Test
  void everyItemIsRunExactlyOnceAcrossTheThreads() {
    int items = 1_003;
    AtomicIntegerArray runs = new AtomicIntegerArray(items);
    Set<String> threadNames = ConcurrentHashMap.newKeySet();
    NeighbourThreads.of(3)
        .run(
            items,
            () ->
                (first, end) -> {
                  threadNames.add(Thread.currentThread().getName());
                  for (int i = first; i < end; i++) {
                    runs.incrementAndGet(i);
                  }
                });
    for (int i = 0; i < items; i++) {
      assertThat(runs.get(i)).as("item %d", i).isEqualTo(1);
    }
    // the caller or the pool's threads, whichever claimed the chunks first
    assertThat(threadNames)
        .isNotEmpty()
        .isSubsetOf(Thread.currentThread().getName(), "streamtune-neighbours");
  }

  @Test
  void aFailureOnAnyThreadReachesTheCaller() {
    assertThatThrownBy(
            () ->
                NeighbourThreads.of(2)
                    .run(
                        64,
                        () ->
                            (first, end) -> {
                              if (first <= 40 && 40 < end) {
                                throw new IllegalStateException("item 40 failed");
                              }
                            }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("item 40 failed");
  }

  @Test
  void theNeighboursDoNotDependOnTheThreadCount() {
    Random random = new Random(11);
    for (int dims : new int[] {17, 4}) { // the scan, and the k-d tree
      double[][] points = new double[4_000][dims];
      for (double[] point : points) {
        for (int d = 0; d < dims; d++) {
          point[d] = random.nextInt(4) + 0.25 * random.nextGaussian();
        }
      }
      long[][] one = AllNearestNeighbours.of(points, 3, i -> i % 3 != 0, NeighbourThreads.single());
      for (int threads : new int[] {2, 3}) {
        long[][] many =
            AllNearestNeighbours.of(points, 3, i -> i % 3 != 0, NeighbourThreads.of(threads));
        assertThat(many).as("dims %d threads %d", dims, threads).isDeepEqualTo(one);
      }
    }
  }
}
