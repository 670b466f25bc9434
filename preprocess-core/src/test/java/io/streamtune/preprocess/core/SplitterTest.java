package io.streamtune.preprocess.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamtune.schemas.avro.Split;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SplitterTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"", "a", "ab", "abc", "abcd", "21", "foobar", "streamtune:credit-42", "ü€"})
  void murmur2AgreesWithKafkasImplementation(String input) {
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);

    assertThat(Murmur2.hash(bytes)).isEqualTo(Utils.murmur2(bytes));
  }

  @Test
  void murmur2MatchesPublishedValues() {
    // reference values from Kafka's own UtilsTest, fixed since 0.8
    assertThat(Murmur2.hash("21".getBytes(StandardCharsets.UTF_8))).isEqualTo(-973932308);
    assertThat(Murmur2.hash("foobar".getBytes(StandardCharsets.UTF_8))).isEqualTo(-790332482);
    assertThat(Murmur2.hash("a-little-bit-long-string".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(-985981536);
  }

  @Test
  void positionIsTheUnsignedHashOfSaltColonIdScaledToUnitInterval() {
    Splitter splitter = new Splitter(0.2, "test");
    int hash = Utils.murmur2("test:record-7".getBytes(StandardCharsets.UTF_8));

    assertThat(splitter.position("record-7"))
        .isEqualTo(Integer.toUnsignedLong(hash) / Math.pow(2, 32));
  }

  @Test
  void fixedIdsGetFixedSplits() {
    // pinned: a change here would move records between train and holdout across versions
    Splitter splitter = new Splitter(0.2, "streamtune");

    assertThat(splitter.position("record-1")).isCloseTo(0.81643, within(1e-5));
    assertThat(splitter.splitOf("record-1")).isEqualTo(Split.TRAIN);
    assertThat(splitter.position("record-2")).isCloseTo(0.06351, within(1e-5));
    assertThat(splitter.splitOf("record-2")).isEqualTo(Split.HOLDOUT);
    assertThat(splitter.position("record-3")).isCloseTo(0.21186, within(1e-5));
    assertThat(splitter.splitOf("record-3")).isEqualTo(Split.TRAIN);
    assertThat(splitter.position("credit_data.csv-1")).isCloseTo(0.23055, within(1e-5));
    assertThat(splitter.splitOf("credit_data.csv-1")).isEqualTo(Split.TRAIN);
  }

  @Test
  void sameIdSameSplitAnotherSaltMixesDifferently() {
    Splitter a = new Splitter(0.5, "a");
    Splitter b = new Splitter(0.5, "b");

    long differ =
        IntStream.range(0, 1000)
            .mapToObj(i -> "id-" + i)
            .filter(id -> a.splitOf(id) != b.splitOf(id))
            .count();

    assertThat(new Splitter(0.5, "a").splitOf("id-3")).isEqualTo(a.splitOf("id-3"));
    assertThat(differ).isBetween(400L, 600L);
  }

  @Test
  void aboutTheHoldoutFractionOfManyIdsLandsInHoldout() {
    Splitter splitter = new Splitter(0.2, "streamtune");

    long holdout =
        IntStream.range(0, 10_000)
            .mapToObj(i -> "record-" + i)
            .filter(id -> splitter.splitOf(id) == Split.HOLDOUT)
            .count();

    assertThat(holdout / 10_000.0).isCloseTo(0.2, within(0.015));
  }

  @Test
  void fractionsZeroAndOneAreAllTrainAndAllHoldout() {
    assertThat(new Splitter(0, "s").splitOf("x")).isEqualTo(Split.TRAIN);
    assertThat(new Splitter(1, "s").splitOf("x")).isEqualTo(Split.HOLDOUT);
    assertThatThrownBy(() -> new Splitter(1.5, "s")).hasMessageContaining("split.holdoutFraction");
  }
}
