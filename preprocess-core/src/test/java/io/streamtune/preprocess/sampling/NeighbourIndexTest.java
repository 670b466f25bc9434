package io.streamtune.preprocess.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NeighbourIndexTest {

  @Test
  void answersLikeBruteForceThroughAnyMixOfAddsAndRemoves() {
    Random random = new Random(5);
    int dims = 6;
    NeighbourIndex index = new NeighbourIndex(dims);
    Map<Long, double[]> live = new LinkedHashMap<>();
    long nextKey = 0;
    for (int step = 0; step < 4000; step++) {
      double action = random.nextDouble();
      if (action < 0.55 || live.size() < 10) {
        double[] point = new double[dims];
        for (int d = 0; d < dims; d++) {
          point[d] = random.nextInt(5) + (random.nextBoolean() ? 0 : random.nextGaussian());
        }
        index.add(nextKey, point);
        live.put(nextKey++, point);
      } else if (action < 0.95) {
        List<Long> keys = new ArrayList<>(live.keySet());
        long key = keys.get(random.nextInt(keys.size()));
        index.remove(key);
        live.remove(key);
      } else {
        // re-adding a removed key with another vector must not see the old one
        List<Long> keys = new ArrayList<>(live.keySet());
        long key = keys.get(random.nextInt(keys.size()));
        index.remove(key);
        double[] moved = live.get(key).clone();
        moved[0] += 10;
        index.add(key, moved);
        live.put(key, moved);
      }
      if (step % 7 == 0) {
        double[][] points = live.values().toArray(double[][]::new);
        long[] keys = live.keySet().stream().mapToLong(Long::longValue).toArray();
        long self = keys[random.nextInt(keys.length)];
        int k = 1 + random.nextInt(5);
        assertThat(index.nearestTo(self, k))
            .as("step %d", step)
            .containsExactly(KdTreeTest.bruteForce(points, keys, live.get(self), k, self));
      }
    }
    assertThat(index.size()).isEqualTo(live.size());
    assertThat(index.rebuilds()).isGreaterThan(10);
  }

  @Test
  void removingAnUnknownKeyChangesNothing() {
    NeighbourIndex index = new NeighbourIndex(1);
    index.add(1, new double[] {0});
    index.add(2, new double[] {5});
    index.remove(99);
    assertThat(index.size()).isEqualTo(2);
    assertThat(index.nearestTo(1, 3)).containsExactly(2L);
    assertThat(index.contains(2)).isTrue();
    assertThat(index.vector(2)).containsExactly(5.0);
  }
}
