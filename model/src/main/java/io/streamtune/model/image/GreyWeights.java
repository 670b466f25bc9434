package io.streamtune.model.image;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;

/**
 * Grey pretrained SmallCnn weights under a colour input: the first convolution's kernel, made for
 * one channel, is copied to each of the {@code channels} and divided by their number, so a grey
 * image copied to three channels gives exactly the pretrained responses (the "inflation" used to
 * start colour or video networks from ones trained on other inputs). Every other parameter is taken
 * as it is: the convolutions are size-agnostic.
 */
final class GreyWeights {

  private GreyWeights() {}

  static void inflate(SequentialBlock target, NDManager manager, DataInputStream grey, int channels)
      throws IOException, MalformedModelException {
    SequentialBlock source = SmallCnn.backbone();
    try (NDManager scratch = manager.newSubManager()) {
      source.initialize(scratch, DataType.FLOAT32, ImageInput.GREY_28.shape(1));
      source.loadParameters(scratch, grey);
      List<Pair<String, Parameter>> from = source.getParameters().stream().toList();
      List<Pair<String, Parameter>> to = target.getParameters().stream().toList();
      for (int i = 0; i < from.size(); i++) {
        NDArray value = from.get(i).getValue().getArray();
        NDArray into = to.get(i).getValue().getArray();
        if (value.getShape().equals(into.getShape())) {
          into.set(value.toFloatArray());
        } else {
          // [filters, 1, k, k] -> [filters, channels, k, k], each channel value / channels
          into.set(value.repeat(1, channels).div(channels).toFloatArray());
        }
      }
    }
  }
}
