package io.streamtune.preprocess.media;

import io.streamtune.preprocess.augment.Augmentations;
import io.streamtune.preprocess.augment.EdaAugmenter;
import io.streamtune.preprocess.augment.Image;
import io.streamtune.preprocess.augment.ImageAugmenter;
import io.streamtune.preprocess.augment.SynonymSource;
import io.streamtune.preprocess.augment.WordNetSynonyms;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.AugmentSpec;
import io.streamtune.spec.PipelineSpec;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns a split media record into examples: a holdout record into its original only, a training
 * record into its original and {@code augment.copiesFor(label)} augmented copies. An original keeps
 * {@code id == sourceId}; copy k (1-based) has id {@code <sourceId>#aug<k>} and {@code
 * augmentedFrom = sourceId}. Copy k depends only on (augment.seed, record id, k), so a replay
 * produces the same bytes.
 */
public final class MediaAugmenter {

  public static final String COPY_MARK = "#aug";

  private final AugmentSpec augment;
  private final ImageAugmenter images;
  private final EdaAugmenter texts;

  public MediaAugmenter(PipelineSpec spec, SynonymSource synonyms) {
    if (spec.modality() == PipelineSpec.Modality.TABULAR) {
      throw new IllegalArgumentException("a tabular spec has no image or text to augment");
    }
    this.augment = spec.augment();
    boolean image = spec.modality() == PipelineSpec.Modality.IMAGE;
    this.images = image ? new ImageAugmenter(Augmentations.image(augment)) : null;
    this.texts = image ? null : new EdaAugmenter(Augmentations.text(augment), synonyms);
  }

  /** With WordNet 3.1 for a text pipeline that augments (loaded once per JVM). */
  public static MediaAugmenter of(PipelineSpec spec) {
    boolean needsWordNet =
        spec.modality() == PipelineSpec.Modality.TEXT
            && spec.augment().enabled()
            && (spec.augment().text().synonymReplacement() > 0
                || spec.augment().text().randomInsertion() > 0);
    SynonymSource synonyms = needsWordNet ? WordNetSynonyms.shared() : word -> List.of();
    return new MediaAugmenter(spec, synonyms);
  }

  public static String copyId(String sourceId, int k) {
    return sourceId + COPY_MARK + k;
  }

  /**
   * Emits the original, then the copies of a training record.
   *
   * @return how many augmented copies were emitted
   */
  public int expand(MediaRecord record, Consumer<Example> out) {
    if (record.split == null) {
      throw new IllegalArgumentException("record " + record.id + " has not been split");
    }
    Instant eventTime = Instant.ofEpochMilli(record.eventTimeMillis);
    out.accept(example(record, record.id, null, eventTime, record.pixels, record.text));
    if (record.split != Split.TRAIN) {
      return 0;
    }
    int count = augment.copiesFor(record.label);
    if (count <= 0) {
      return 0;
    }
    if (record.isImage()) {
      Image original = new Image(record.width, record.height, record.channels, record.pixels);
      List<Image> copies = images.copies(record.id, record.label, original);
      for (int k = 0; k < copies.size(); k++) {
        out.accept(
            example(
                record,
                copyId(record.id, k + 1),
                record.id,
                eventTime,
                copies.get(k).pixels(),
                null));
      }
      return copies.size();
    }
    List<String> copies = texts.copies(record.id, record.text, count);
    for (int k = 0; k < copies.size(); k++) {
      out.accept(
          example(record, copyId(record.id, k + 1), record.id, eventTime, null, copies.get(k)));
    }
    return copies.size();
  }

  private static Example example(
      MediaRecord record,
      String id,
      String augmentedFrom,
      Instant eventTime,
      byte[] pixels,
      String text) {
    ImagePayload image =
        pixels == null
            ? null
            : new ImagePayload(
                record.width,
                record.height,
                record.channels,
                ImageEncoding.RAW_U8,
                ByteBuffer.wrap(pixels));
    // the all-arguments constructor: the builder deep-copies every default on each call
    return new Example(
        id,
        record.id,
        eventTime,
        record.split,
        record.label,
        record.labelIndex,
        List.of(),
        0L,
        augmentedFrom,
        false,
        List.of(),
        image,
        text);
  }
}
