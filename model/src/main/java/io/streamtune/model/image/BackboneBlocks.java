package io.streamtune.model.image;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The blocks of a backbone that {@code partial} and gradual unfreezing count, bottom first, each as
 * its parameters. A DJL block's children that hold parameters are its blocks (SmallCnn's two
 * convolutions). A TorchScript module is one DJL block whose parameters carry their module paths
 * ({@code layer4.1.conv2.weight}): its top-level submodules become the blocks, in the order their
 * parameters come (torchvision's ResNet-18: conv1, bn1, layer1 … layer4), so {@code
 * unfreezeLastBlocks: 1} trains {@code layer4} and the head, as timm or Keras freeze by stage.
 */
final class BackboneBlocks {

  private BackboneBlocks() {}

  static List<List<Parameter>> of(Block backbone) {
    List<List<Parameter>> blocks = new ArrayList<>();
    for (Pair<String, Block> child : backbone.getChildren()) {
      Block block = child.getValue();
      if (block instanceof TorchScriptMethodBlock method) {
        block = method.module();
      }
      if (block.getParameters().isEmpty()) {
        continue;
      }
      if (block.getChildren().isEmpty() && namedByModulePath(block)) {
        blocks.addAll(byTopModule(block));
      } else {
        blocks.add(new ArrayList<>(block.getParameters().values()));
      }
    }
    if (blocks.isEmpty()) {
      blocks.add(new ArrayList<>(backbone.getParameters().values()));
    }
    return blocks;
  }

  private static boolean namedByModulePath(Block block) {
    return block.getParameters().keys().stream().allMatch(name -> name.contains("."));
  }

  private static List<List<Parameter>> byTopModule(Block block) {
    Map<String, List<Parameter>> groups = new LinkedHashMap<>();
    for (Pair<String, Parameter> parameter : block.getParameters()) {
      String name = parameter.getKey();
      String top = name.substring(0, name.indexOf('.'));
      groups.computeIfAbsent(top, k -> new ArrayList<>()).add(parameter.getValue());
    }
    return new ArrayList<>(groups.values());
  }
}
