package io.streamtune.model.scoring;

import io.streamtune.schemas.avro.Example;
import java.nio.ByteBuffer;

/**
 * The feature row a model scores for a prepared {@link Example}: the evaluator's holdout and the
 * serving path both turn examples into rows here, so a served request and a holdout example of the
 * same record score the same floats.
 */
public final class ExampleRows {

  private ExampleRows() {}

  /**
   * An image's RAW_U8 pixels scaled to [0, 1] (what the image models read), otherwise the example's
   * features (none for a text).
   */
  public static float[] features(Example example) {
    float[] features;
    if (example.getImage() != null) {
      ByteBuffer data = example.getImage().getData().duplicate();
      features = new float[data.remaining()];
      for (int i = 0; i < features.length; i++) {
        features[i] = (data.get() & 0xff) / 255f;
      }
    } else {
      features = new float[example.getFeatures().size()];
      for (int i = 0; i < features.length; i++) {
        features[i] = example.getFeatures().get(i);
      }
    }
    return features;
  }
}
