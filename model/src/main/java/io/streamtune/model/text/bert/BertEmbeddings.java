package io.streamtune.model.text.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * Word + learned position + token-type embeddings, then LayerNorm and dropout. Input: token ids and
 * token types, both int64 {@code [batch, tokens]}; output {@code [batch, tokens, hidden]}.
 */
final class BertEmbeddings extends AbstractBlock {

  private final BertConfig config;
  private final float dropout;
  private final Parameter words;
  private final Parameter positions;
  private final Parameter types;
  private final Norm norm;

  BertEmbeddings(BertConfig config, float dropout) {
    this.config = config;
    this.dropout = dropout;
    words = addParameter(table("word_embeddings", config.vocabularySize(), config.hidden()));
    positions = addParameter(table("position_embeddings", config.maxPositions(), config.hidden()));
    types =
        addParameter(table("token_type_embeddings", config.typeVocabularySize(), config.hidden()));
    norm = addChildBlock("norm", new Norm(config.hidden(), config.layerNormEpsilon()));
  }

  private static Parameter table(String name, int rows, int width) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(rows, width))
        .optInitializer(new NormalInitializer(0.02f))
        .build();
  }

  Parameter words() {
    return words;
  }

  Parameter positions() {
    return positions;
  }

  Parameter types() {
    return types;
  }

  Norm norm() {
    return norm;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.get(0);
    NDArray tokenTypes = inputs.get(1);
    long length = ids.getShape().get(1);
    if (length > config.maxPositions()) {
      throw new IllegalArgumentException(
          "input has " + length + " tokens; the model has " + config.maxPositions() + " positions");
    }
    NDManager manager = ids.getManager();
    NDArray positionIds = manager.arange(0, length, 1, DataType.INT64, ids.getDevice());
    NDArray sum =
        embed(ids, store.getValue(words, ids.getDevice(), training))
            .add(embed(tokenTypes, store.getValue(types, ids.getDevice(), training)))
            .add(
                embed(positionIds, store.getValue(positions, ids.getDevice(), training))
                    .expandDims(0));
    NDArray normed = norm.forward(store, new NDList(sum), training).head();
    return training && dropout > 0 ? Dropout.dropout(normed, dropout, true) : new NDList(normed);
  }

  private static NDArray embed(NDArray ids, NDArray table) {
    return Embedding.embedding(ids, table, SparseFormat.DENSE).head();
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    norm.initialize(manager, dataType, inputShapes[0].add(config.hidden()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0].add(config.hidden())};
  }
}
