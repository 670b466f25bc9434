package io.streamtune.preprocess.core.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllSketch;
import org.junit.jupiter.api.Test;

/**
 * The sketches reseed the library's coin only before an update that compacts; the flips, and so the
 * sketches' bytes, are those of reseeding before every update.
 */
class QuantileSketchesTest {

  private static final int K = 200;
  private static final long SALT = 7;

  @Test
  void perValueUpdatesDrawTheFlipsOfAReseedBeforeEveryUpdate() throws Exception {
    Random kll = kllRandom();
    QuantileSketches ours = new QuantileSketches(3, K, SALT);
    KllDoublesSketch[] reference = sketches(3);
    Random data = new Random(3);
    for (int i = 0; i < 150_000; i++) {
      int column = data.nextInt(3);
      double x = column == 2 && data.nextInt(10) == 0 ? Double.NaN : data.nextGaussian() * column;
      ours.add(column, x);
      if (Double.isNaN(x)) {
        continue;
      }
      synchronized (kll) {
        kll.setSeed(SALT * 0x9E3779B97F4A7C15L + column * 1_000_003L + reference[column].getN());
        reference[column].update(x);
      }
      // another user of the library's coin between updates: the next compaction reseeds anyway
      kll.nextLong();
    }
    assertThat(reference[0].getN()).isGreaterThan(40 * K);
    assertThat(bytes(ours)).isEqualTo(bytes(reference));
  }

  @Test
  void rowUpdatesDrawTheFlipsOfAReseedBeforeEveryRow() throws Exception {
    Random kll = kllRandom();
    QuantileSketches ours = new QuantileSketches(4, K, SALT);
    KllDoublesSketch[] reference = sketches(4);
    Random data = new Random(4);
    double[] row = new double[4];
    for (long rows = 0; rows < 60_000; rows++) {
      for (int column = 0; column < row.length; column++) {
        row[column] = column == 3 && data.nextBoolean() ? Double.NaN : data.nextDouble() + column;
      }
      ours.addRow(row, rows);
      synchronized (kll) {
        kll.setSeed(SALT * 0x9E3779B97F4A7C15L + rows);
        for (int column = 0; column < row.length; column++) {
          if (!Double.isNaN(row[column])) {
            reference[column].update(row[column]);
          }
        }
      }
      kll.nextLong();
    }
    assertThat(bytes(ours)).isEqualTo(bytes(reference));
    assertThat(ours.quantile(1, 0.5)).isEqualTo(reference[1].getQuantile(0.5));
  }

  private static KllDoublesSketch[] sketches(int n) {
    KllDoublesSketch[] sketches = new KllDoublesSketch[n];
    for (int i = 0; i < n; i++) {
      sketches[i] = KllDoublesSketch.newHeapInstance(K);
    }
    return sketches;
  }

  private static List<String> bytes(QuantileSketches sketches) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    sketches.save(node);
    List<String> out = new ArrayList<>();
    node.get("sketches").forEach(sketch -> out.add(sketch.asText()));
    return out;
  }

  private static List<String> bytes(KllDoublesSketch[] sketches) {
    List<String> out = new ArrayList<>();
    for (KllDoublesSketch sketch : sketches) {
      out.add(Base64.getEncoder().encodeToString(sketch.toByteArray()));
    }
    return out;
  }

  private static Random kllRandom() throws ReflectiveOperationException {
    Field field = KllSketch.class.getDeclaredField("random");
    field.setAccessible(true);
    return (Random) field.get(null);
  }
}
