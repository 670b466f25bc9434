package io.streamtune.preprocess.augment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EdaAugmenterTest {

  private static final String TEXT =
      "the quick brown fox jumps over the lazy dog near the old house";

  private static EdaAugmenter augmenter(double sr, double ri, double rs, double rd, long seed) {
    return new EdaAugmenter(new EdaAugmentation(sr, ri, rs, rd, 4, seed), WordNetSynonyms.shared());
  }

  /**
   * E-mail rule lines and MIME boundaries made extJWNL try 2^n splits of one token (minutes per
   * e-mail); such tokens have no synonyms and are not looked up, while hyphenated lemmas still are.
   */
  @Test
  @org.junit.jupiter.api.Timeout(10)
  void tokensWithManySeparatorsAreNotLookedUp() {
    WordNetSynonyms wordNet = WordNetSynonyms.shared();

    assertThat(wordNet.synonyms("-".repeat(60))).isEmpty();
    assertThat(wordNet.synonyms("--==_Exmh_-2058972181P-boundary-part-two")).isEmpty();
    assertThat(wordNet.synonyms("http://example.com/a-b/c-d?e-f")).isEmpty();
    assertThat(wordNet.synonyms("jack-in-the-pulpit")).isNotEmpty();
    assertThat(wordNet.synonyms("Quick")).isNotEmpty();
    List<String> copies =
        augmenter(0.1, 0.1, 0.1, 0.1, 3)
            .copies("mail", "please review the ------------------------------------ draft today");
    assertThat(copies).hasSize(4);
  }

  @Test
  void alphaZeroIsTheIdentity() {
    assertThat(augmenter(0, 0, 0, 0, 1).copies("r", TEXT)).containsOnly(TEXT).hasSize(4);
  }

  @Test
  void aReplacedWordComesFromAWordNetSynsetOfTheWordItReplaces() {
    List<String> original = EdaAugmenter.words(TEXT);
    WordNetSynonyms wordNet = WordNetSynonyms.shared();
    EdaAugmenter replaceOnly = augmenter(0.3, 0, 0, 0, 5);
    int checked = 0;

    for (String copy : replaceOnly.copies("r1", TEXT)) {
      List<String> words = EdaAugmenter.words(copy);
      // multi-word lemmas ("dog" -> "domestic dog") change the token count: compare by position
      // otherwise
      if (words.size() != original.size()) {
        continue;
      }
      int changed = 0;
      for (int i = 0; i < words.size(); i++) {
        if (!words.get(i).equals(original.get(i))) {
          changed++;
          String before = original.get(i);
          String after = words.get(i);
          assertThat(EdaAugmenter.STOP_WORDS).doesNotContain(before);
          assertThat(wordNet.synsets(before))
              .anySatisfy(synset -> assertThat(synset).contains(after));
        }
      }
      assertThat(changed).isPositive();
      checked++;
    }
    assertThat(checked).as("copies with single-word replacements").isPositive();
  }

  @Test
  void stopWordsAreNeverReplaced() {
    EdaAugmenter replaceOnly = augmenter(1.0, 0, 0, 0, 9);

    for (String copy : replaceOnly.copies("r2", "the and of to in")) {
      assertThat(copy).isEqualTo("the and of to in");
    }
  }

  @Test
  void deletionNeverEmptiesAText() {
    Random random = new Random(3);
    for (int i = 0; i < 200; i++) {
      assertThat(EdaAugmenter.randomDeletion(List.of("only", "two"), 1.0, random)).hasSize(1);
    }
    assertThat(augmenter(0, 0, 0, 1.0, 1).copies("r", "single")).containsOnly("single");
  }

  @Test
  void swapKeepsTheSameWords() {
    List<String> swapped = EdaAugmenter.randomSwap(EdaAugmenter.words(TEXT), 3, new Random(1));

    assertThat(swapped).containsExactlyInAnyOrderElementsOf(EdaAugmenter.words(TEXT));
    assertThat(swapped).isNotEqualTo(EdaAugmenter.words(TEXT));
  }

  @Test
  void insertionAddsSynonymsOfWordsInTheText() {
    List<String> words = EdaAugmenter.words(TEXT);
    EdaAugmenter insertOnly = augmenter(0, 0.2, 0, 0, 2);

    String copy = insertOnly.copies("r3", TEXT).get(0);

    assertThat(EdaAugmenter.words(copy).size()).isGreaterThan(words.size());
    assertThat(copy).contains("quick", "brown", "fox", "lazy");
  }

  @Test
  void sameSeedSameCopiesDifferentSeedDifferentCopies() {
    List<String> first = augmenter(0.2, 0.2, 0.2, 0.2, 11).copies("r4", TEXT);

    assertThat(augmenter(0.2, 0.2, 0.2, 0.2, 11).copies("r4", TEXT)).isEqualTo(first);
    assertThat(augmenter(0.2, 0.2, 0.2, 0.2, 12).copies("r4", TEXT)).isNotEqualTo(first);
    assertThat(Set.copyOf(first)).hasSizeGreaterThan(1);
  }
}
