package io.streamtune.dashboard.projection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded sample of at most {@code max} indices that keeps each class's share (largest remainder,
 * and every class keeps at least one example while the budget allows), so a rare class stays
 * visible on the map.
 */
final class StratifiedSample {

  private StratifiedSample() {}

  /** Sorted indices into {@code labels}; all of them when there are no more than {@code max}. */
  static int[] indices(List<String> labels, int max, long seed) {
    int n = labels.size();
    if (n <= max) {
      int[] all = new int[n];
      Arrays.setAll(all, i -> i);
      return all;
    }
    Map<String, List<Integer>> byClass = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      byClass.computeIfAbsent(labels.get(i), label -> new ArrayList<>()).add(i);
    }
    List<List<Integer>> classes = new ArrayList<>(byClass.values());
    int[] quota = new int[classes.size()];
    double[] remainder = new double[classes.size()];
    int given = 0;
    for (int c = 0; c < classes.size(); c++) {
      double exact = (double) classes.get(c).size() * max / n;
      quota[c] = Math.max(Math.min(1, classes.get(c).size()), (int) Math.floor(exact));
      remainder[c] = exact - Math.floor(exact);
      given += quota[c];
    }
    Integer[] byRemainder = new Integer[classes.size()];
    Arrays.setAll(byRemainder, c -> c);
    Arrays.sort(byRemainder, (a, b) -> Double.compare(remainder[b], remainder[a]));
    for (int r = 0; given < max && r < byRemainder.length; r++) {
      int c = byRemainder[r];
      if (quota[c] < classes.get(c).size()) {
        quota[c]++;
        given++;
      }
    }
    // more classes than the budget: the largest quotas give way first
    Integer[] bySize = new Integer[classes.size()];
    Arrays.setAll(bySize, c -> c);
    Arrays.sort(bySize, (a, b) -> Integer.compare(quota[b], quota[a]));
    for (int r = 0; given > max; r = (r + 1) % bySize.length) {
      if (quota[bySize[r]] > 0) {
        quota[bySize[r]]--;
        given--;
      }
    }
    Random random = new Random(seed);
    int[] chosen = new int[given];
    int size = 0;
    for (int c = 0; c < classes.size(); c++) {
      List<Integer> members = new ArrayList<>(classes.get(c));
      Collections.shuffle(members, random);
      for (int m = 0; m < quota[c]; m++) {
        chosen[size++] = members.get(m);
      }
    }
    Arrays.sort(chosen);
    return chosen;
  }
}
