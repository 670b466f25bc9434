package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.preprocess.core.CategoryIndex;
import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.StepSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One-hot encodes categorical columns in place over the spec's categories (scikit-learn
 * OneHotEncoder with fixed categories); an unseen category goes to the unseen slot or rejects the
 * row; a missing value encodes as all zeros. Other features are copied.
 */
final class OneHotStep implements Step {

  /** Per input feature: its first output position. */
  private final int[] target;

  /** Per input feature: its categories, or null when the feature is copied. */
  private final List<List<String>> categories;

  /** Per input feature: the position of each category, or null when the feature is copied. */
  private final CategoryIndex[] categoryIndex;

  private final String[] inputNames;
  private final int[] slots;
  private final boolean unseenBucket;
  private final int outputWidth;

  static Step of(StepSpec.OneHot spec, StepInput in) {
    Set<Integer> encoded = StepInput.set(in.columns(spec.columns(), ColumnType.CATEGORICAL));
    List<List<String>> categories = new ArrayList<>();
    for (int i = 0; i < in.input().size(); i++) {
      categories.add(
          encoded.contains(i)
              ? in.spec().columns().get(in.input().get(i).name()).categories()
              : null);
    }
    return new OneHotStep(in.inputNames(), categories, spec.unseenBucket());
  }

  OneHotStep(String[] inputNames, List<List<String>> categoriesOrNull, boolean unseenBucket) {
    int n = inputNames.length;
    this.inputNames = inputNames;
    this.unseenBucket = unseenBucket;
    target = new int[n];
    slots = new int[n];
    categories = new ArrayList<>(categoriesOrNull);
    categoryIndex = new CategoryIndex[n];
    int at = 0;
    for (int i = 0; i < n; i++) {
      target[i] = at;
      List<String> columnCategories = categoriesOrNull.get(i);
      if (columnCategories == null) {
        slots[i] = 1;
      } else {
        categoryIndex[i] = new CategoryIndex(columnCategories);
        slots[i] = columnCategories.size() + (unseenBucket ? 1 : 0);
      }
      at += slots[i];
    }
    outputWidth = at;
  }

  @Override
  public void fit(Frame in, int label) {}

  @Override
  public Frame transform(Frame in) {
    Frame out = Frame.ofWidth(outputWidth);
    for (int i = 0; i < target.length; i++) {
      CategoryIndex index = categoryIndex[i];
      if (index == null) {
        out.numbers[target[i]] = in.numbers[i];
        out.texts[target[i]] = in.texts[i];
        continue;
      }
      String value = in.texts[i];
      if (value == null) {
        continue;
      }
      int category = index.indexOf(value);
      if (category < 0) {
        if (!unseenBucket) {
          throw new RowRejected(
              RowRejected.STAGE_TRANSFORM,
              "column '" + inputNames[i] + "': unknown category '" + value + "'");
        }
        category = slots[i] - 1;
      }
      out.numbers[target[i] + category] = 1.0;
    }
    return out;
  }

  @Override
  public void save(ObjectNode node) {
    node.put("unseenBucket", unseenBucket);
    ObjectNode categories = node.putObject("categories");
    for (int i = 0; i < target.length; i++) {
      if (this.categories.get(i) != null) {
        categories.set(inputNames[i], Json.strings(this.categories.get(i).toArray(String[]::new)));
      }
    }
  }

  @Override
  public void load(JsonNode node) {}
}
