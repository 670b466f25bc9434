package io.streamtune.preprocess.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MediaAugmenterTest {

  private static MediaRecord image(String id, String label, Split split) {
    String[] classes = {"shirt", "coat", "bag"};
    MediaRecord record =
        MediaRecord.image(
            id, 123L, label, List.of(classes).indexOf(label), 4, 3, 1, MediaSpecs.ramp(12));
    record.split = split;
    return record;
  }

  private static List<Example> expand(MediaAugmenter augmenter, MediaRecord record) {
    List<Example> out = new ArrayList<>();
    int copies = augmenter.expand(record, out::add);
    assertThat(copies).isEqualTo(out.size() - 1);
    return out;
  }

  private static byte[] pixels(Example example) {
    ByteBuffer data = example.getImage().getData();
    byte[] bytes = new byte[data.remaining()];
    data.duplicate().get(bytes);
    return bytes;
  }

  @Test
  void trainingImageGetsItsOriginalAndTheConfiguredCopies() {
    MediaAugmenter augmenter = MediaAugmenter.of(MediaSpecs.image());

    List<Example> shirts = expand(augmenter, image("r1", "shirt", Split.TRAIN));
    List<Example> bags = expand(augmenter, image("r2", "bag", Split.TRAIN));

    assertThat(shirts).extracting(Example::getId).containsExactly("r1", "r1#aug1", "r1#aug2");
    assertThat(bags)
        .extracting(Example::getId)
        .containsExactly("r2", "r2#aug1", "r2#aug2", "r2#aug3", "r2#aug4");
    Example original = shirts.get(0);
    assertThat(original.getSourceId()).isEqualTo("r1");
    assertThat(original.getAugmentedFrom()).isNull();
    assertThat(pixels(original)).containsExactly(MediaSpecs.ramp(12));
    for (Example copy : shirts.subList(1, 3)) {
      assertThat(copy.getSourceId()).isEqualTo("r1");
      assertThat(copy.getAugmentedFrom()).isEqualTo("r1");
      assertThat(copy.getLabel()).isEqualTo("shirt");
      assertThat(copy.getLabelIndex()).isZero();
      assertThat(copy.getSplit()).isEqualTo(Split.TRAIN);
      assertThat(copy.getEventTime().toEpochMilli()).isEqualTo(123L);
      assertThat(copy.getImage().getWidth()).isEqualTo(4);
      assertThat(copy.getImage().getHeight()).isEqualTo(3);
      assertThat(copy.getImage().getChannels()).isEqualTo(1);
      assertThat(copy.getImage().getEncoding()).isEqualTo(ImageEncoding.RAW_U8);
      assertThat(copy.getFeatures()).isEmpty();
      assertThat(copy.getText()).isNull();
      // rotation has probability 1 in the spec: every copy differs from the original
      assertThat(pixels(copy)).isNotEqualTo(MediaSpecs.ramp(12));
    }
  }

  @Test
  void holdoutIsNeverAugmented() {
    MediaAugmenter augmenter = MediaAugmenter.of(MediaSpecs.image());

    List<Example> out = expand(augmenter, image("h", "bag", Split.HOLDOUT));

    assertThat(out).hasSize(1);
    assertThat(out.get(0).getId()).isEqualTo("h");
    assertThat(out.get(0).getSplit()).isEqualTo(Split.HOLDOUT);
    assertThat(out.get(0).getAugmentedFrom()).isNull();
  }

  @Test
  void copiesAreAFunctionOfSeedAndRecordId() {
    PipelineSpec spec = MediaSpecs.image();
    List<Example> first = expand(MediaAugmenter.of(spec), image("r9", "coat", Split.TRAIN));
    List<Example> replay = expand(MediaAugmenter.of(spec), image("r9", "coat", Split.TRAIN));
    List<Example> otherId = expand(MediaAugmenter.of(spec), image("r10", "coat", Split.TRAIN));
    PipelineSpec otherSeed =
        spec.withAugment(
            new io.streamtune.spec.AugmentSpec(
                spec.augment().copies(),
                spec.augment().copiesPerClass(),
                8L,
                spec.augment().image(),
                spec.augment().text()));
    List<Example> reseeded = expand(MediaAugmenter.of(otherSeed), image("r9", "coat", Split.TRAIN));

    for (int k = 1; k <= 2; k++) {
      assertThat(pixels(replay.get(k))).containsExactly(pixels(first.get(k)));
      assertThat(pixels(otherId.get(k))).isNotEqualTo(pixels(first.get(k)));
      assertThat(pixels(reseeded.get(k))).isNotEqualTo(pixels(first.get(k)));
    }
  }

  @Test
  void noCopiesWhenAugmentationIsOff() {
    PipelineSpec off = MediaSpecs.image().withAugment(MediaSpecs.image().augment().withCopies(0));
    // bag still has its per-class override; shirt falls back to copies = 0
    assertThat(expand(MediaAugmenter.of(off), image("r1", "shirt", Split.TRAIN))).hasSize(1);
    assertThat(expand(MediaAugmenter.of(off), image("r1", "bag", Split.TRAIN))).hasSize(5);
  }

  @Test
  void textCopiesFollowPerClassCountsAndKeepEveryWord() {
    MediaAugmenter augmenter = MediaAugmenter.of(MediaSpecs.text());
    String sentence = "the quick brown fox jumps over the lazy dog";
    MediaRecord spam = MediaRecord.text("s1", 5L, "spam", 1, sentence);
    spam.split = Split.TRAIN;
    MediaRecord ham = MediaRecord.text("h1", 5L, "ham", 0, sentence);
    ham.split = Split.TRAIN;

    List<Example> spams = expand(augmenter, spam);
    List<Example> hams = expand(augmenter, ham);

    assertThat(spams)
        .extracting(Example::getId)
        .containsExactly("s1", "s1#aug1", "s1#aug2", "s1#aug3");
    assertThat(hams).extracting(Example::getId).containsExactly("h1", "h1#aug1");
    assertThat(spams.get(0).getText()).isEqualTo(sentence);
    assertThat(spams.get(0).getImage()).isNull();
    List<String> words = List.of(sentence.split(" "));
    // spec: swap (copy 1, 3) and deletion (copy 2) only; a swap keeps the multiset of words
    assertThat(List.of(spams.get(1).getText().split(" ")))
        .containsExactlyInAnyOrderElementsOf(words);
    assertThat(spams.get(1).getText()).isNotEqualTo(sentence);
    assertThat(words).containsAll(List.of(spams.get(2).getText().split(" ")));
    assertThat(spams.get(2).getText().split(" ").length).isBetween(1, words.size() - 1);
    assertThat(spams.subList(1, 4)).allMatch(e -> "s1".equals(e.getAugmentedFrom()));
    assertThat(expand(MediaAugmenter.of(MediaSpecs.text()), spam)).isEqualTo(spams);
  }

  @Test
  void unsplitRecordIsAProgrammingError() {
    MediaAugmenter augmenter = MediaAugmenter.of(MediaSpecs.image());
    assertThatThrownBy(() -> augmenter.expand(image("u", "coat", null), e -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("u");
  }
}
