package io.streamtune.spec;

import java.util.Locale;

/**
 * What modality image and text ask of a spec: their own section ({@code image} / {@code text}), and
 * none of the tabular ones ({@code columns}, {@code preprocess}, {@code sampling}), which work on
 * feature columns these records do not have.
 */
final class MediaSpecs {

  private MediaSpecs() {}

  static void validate(PipelineSpec spec, String origin) {
    String modality = spec.modality().name().toLowerCase(Locale.ROOT);
    if (!spec.columns().isEmpty()) {
      throw new SpecException(
          origin
              + ": key 'columns' does not apply to modality "
              + modality
              + " (records carry an image or a text, not feature columns); remove it");
    }
    if (!spec.preprocess().equals(PreprocessSpec.defaults())) {
      throw new SpecException(
          origin
              + ": key 'preprocess' (tabular feature steps) does not apply to modality "
              + modality
              + "; remove it (augmentation is the 'augment' section)");
    }
    if (spec.sampling().method() != SamplingSpec.Method.NONE) {
      throw new SpecException(
          origin
              + ": key 'sampling.method' must be none for modality "
              + modality
              + " (rebalancing works on feature vectors); use 'augment.copiesPerClass' to give"
              + " rare classes more copies");
    }
    int channels = 0;
    if (spec.modality() == PipelineSpec.Modality.IMAGE) {
      if (spec.image() == null) {
        throw new SpecException(
            origin
                + ": key 'image' is required for modality image (image.width, image.height,"
                + " image.channels)");
      }
      if (spec.text() != null) {
        throw new SpecException(origin + ": key 'text' applies to modality text only; remove it");
      }
      spec.image().validate(origin);
      channels = spec.image().channels();
    } else {
      if (spec.image() != null) {
        throw new SpecException(origin + ": key 'image' applies to modality image only; remove it");
      }
      spec.text().validate(origin);
    }
    if (spec.label() == null) {
      throw new SpecException(origin + ": key 'label.classes' is required");
    }
    spec.augment().validate(origin, spec.modality(), spec.label().classes(), channels);
  }

  /** A tabular spec must not carry the image, text or augment sections. */
  static void rejectMediaSections(PipelineSpec spec, String origin) {
    if (spec.image() != null) {
      throw new SpecException(
          origin
              + ": key 'image' applies to modality image only; allowed values of 'modality':"
              + " [tabular, image, text]");
    }
    if (spec.text() != null) {
      throw new SpecException(
          origin
              + ": key 'text' applies to modality text only; allowed values of 'modality':"
              + " [tabular, image, text]");
    }
    if (!spec.augment().equals(AugmentSpec.defaults())) {
      throw new SpecException(
          origin + ": key 'augment' applies to modality image or text only; remove it");
    }
  }
}
