package io.streamtune.model.text.bert;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Encoder + mean pooling over real tokens + a linear head: the classifier that is fine-tuned.
 * Inputs as for {@link BertEncoder}; output: class logits {@code [batch, classes]}.
 */
public final class BertClassifier extends AbstractBlock {

  /** Architecture string of stored versions. */
  public static final String ARCHITECTURE = "minilm-l6-mean-pool-linear";

  private final BertEncoder encoder;
  private final Dense head;
  private final int numClasses;
  private final float dropout;

  public BertClassifier(BertConfig config, int numClasses, float dropout) {
    if (numClasses < 2) {
      throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
    }
    this.numClasses = numClasses;
    this.dropout = dropout;
    encoder = addChildBlock("encoder", new BertEncoder(config, dropout));
    head = addChildBlock("head", new Dense(config.hidden(), numClasses));
  }

  /**
   * A model on {@code model}'s device holding this classifier with all-MiniLM-L6-v2's pretrained
   * weights (read from the ONNX file on the classpath) and a fresh head.
   */
  public static BertClassifier pretrainedMiniLm(Model model, int numClasses, float dropout) {
    BertClassifier classifier = new BertClassifier(BertConfig.miniLmL6(), numClasses, dropout);
    model.setBlock(classifier);
    Shape tokens = new Shape(1, 8);
    classifier.initialize(model.getNDManager(), DataType.FLOAT32, tokens, tokens, tokens);
    OnnxBertImport.load(classifier.encoder(), OnnxBertImport.readMiniLm());
    return classifier;
  }

  public BertEncoder encoder() {
    return encoder;
  }

  /** The head's block, e.g. to check it trains. */
  public AbstractBlock head() {
    return head;
  }

  public int numClasses() {
    return numClasses;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray pooled = pooled(store, inputs, training);
    if (training && dropout > 0) {
      pooled = Dropout.dropout(pooled, dropout, true).head();
    }
    return head.forward(store, new NDList(pooled), training);
  }

  /**
   * The mean-pooled encoder output the head classifies ({@code [batch, hidden]}): the text's
   * embedding as this classifier sees it.
   */
  public NDArray pooled(ParameterStore store, NDList inputs, boolean training) {
    NDArray hidden = encoder.forward(store, inputs, training).head();
    return BertEncoder.meanPool(hidden, inputs.get(1));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    encoder.initialize(manager, dataType, inputShapes);
    head.initialize(manager, dataType, new Shape(inputShapes[0].get(0), encoder.config().hidden()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), numClasses)};
  }
}
