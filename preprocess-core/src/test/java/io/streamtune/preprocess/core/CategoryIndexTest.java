package io.streamtune.preprocess.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CategoryIndexTest {

  @Test
  void findsEachCategoryByIdentityOrTextAndNothingElse() {
    List<String> categories = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      categories.add("state-" + i);
    }
    categories.add("Aa"); // "Aa" and "BB" share a hash code
    categories.add("BB");
    CategoryIndex index = new CategoryIndex(categories);
    assertThat(index.size()).isEqualTo(52);
    for (int i = 0; i < categories.size(); i++) {
      assertThat(index.indexOf(categories.get(i))).isEqualTo(i);
      assertThat(index.indexOf(new String(categories.get(i)))).isEqualTo(i);
    }
    assertThat(index.indexOf("state-50")).isEqualTo(-1);
    assertThat(index.indexOf("")).isEqualTo(-1);
    assertThat(index.indexOf(null)).isEqualTo(-1);
  }

  @Test
  void aRepeatedCategoryKeepsItsFirstPositionAndAnEmptyIndexFindsNothing() {
    CategoryIndex index = new CategoryIndex(List.of("a", "b", "a"));
    assertThat(index.indexOf("a")).isZero();
    assertThat(index.indexOf("b")).isEqualTo(1);
    assertThat(index.size()).isEqualTo(2);
    assertThat(new CategoryIndex(List.of()).indexOf("a")).isEqualTo(-1);
  }
}
