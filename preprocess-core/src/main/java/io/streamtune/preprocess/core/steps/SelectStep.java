package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.spec.StepSpec;
import java.util.Set;

/** Keeps the features at fixed input positions, in input order. */
final class SelectStep implements Step {

  private final int[] kept;
  private final String[] keptNames;

  static Step of(StepSpec.Select spec, StepInput in) {
    boolean keep = spec.keep() != null;
    Set<Integer> named = StepInput.set(in.columns(keep ? spec.keep() : spec.drop(), null));
    int[] kept =
        java.util.stream.IntStream.range(0, in.input().size())
            .filter(i -> named.contains(i) == keep)
            .toArray();
    return new SelectStep(kept, in.names(kept));
  }

  SelectStep(int[] kept, String[] keptNames) {
    this.kept = kept;
    this.keptNames = keptNames;
  }

  @Override
  public void fit(Frame in, int label) {}

  @Override
  public Frame transform(Frame in) {
    Frame out = Frame.ofWidth(kept.length);
    for (int i = 0; i < kept.length; i++) {
      out.numbers[i] = in.numbers[kept[i]];
      out.texts[i] = in.texts[kept[i]];
    }
    return out;
  }

  @Override
  public void save(ObjectNode node) {
    node.set("kept", Json.strings(keptNames));
  }

  @Override
  public void load(JsonNode node) {}
}
