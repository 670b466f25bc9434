package io.streamtune.evaluator;

import io.streamtune.model.scoring.ScoringInputs;
import io.streamtune.model.scoring.ScoringModel;
import java.util.List;
import java.util.Random;

/**
 * A small real model for the gate's tests: multinomial logistic regression trained by seeded
 * mini-batch SGD (initial weights and example order come from the seed), scoring through the {@link
 * ScoringModel} interface as the stored versions do.
 */
final class SoftmaxRegression implements ScoringModel {

  private final List<String> labels;
  private final double[][] weights; // [class][feature + 1], the last column the bias

  private SoftmaxRegression(List<String> labels, double[][] weights) {
    this.labels = labels;
    this.weights = weights;
  }

  static SoftmaxRegression train(
      float[][] features, int[] labels, List<String> labelNames, int epochs, long seed) {
    int classes = labelNames.size();
    int width = features[0].length;
    Random random = new Random(seed);
    double[][] weights = new double[classes][width + 1];
    for (double[] row : weights) {
      for (int j = 0; j < row.length; j++) {
        row[j] = random.nextGaussian() * 0.5;
      }
    }
    SoftmaxRegression model = new SoftmaxRegression(labelNames, weights);
    int[] order = new int[features.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    double learningRate = 0.05;
    for (int epoch = 0; epoch < epochs; epoch++) {
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int swap = order[i];
        order[i] = order[j];
        order[j] = swap;
      }
      for (int i : order) {
        double[] p = model.softmax(features[i]);
        for (int k = 0; k < classes; k++) {
          double gradient = p[k] - (labels[i] == k ? 1 : 0);
          for (int f = 0; f < width; f++) {
            weights[k][f] -= learningRate * gradient * features[i][f];
          }
          weights[k][width] -= learningRate * gradient;
        }
      }
    }
    return model;
  }

  private double[] softmax(float[] x) {
    double[] logits = new double[weights.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < weights.length; k++) {
      double z = weights[k][x.length];
      for (int f = 0; f < x.length; f++) {
        z += weights[k][f] * x[f];
      }
      logits[k] = z;
      max = Math.max(max, z);
    }
    double sum = 0;
    for (int k = 0; k < logits.length; k++) {
      logits[k] = Math.exp(logits[k] - max);
      sum += logits[k];
    }
    for (int k = 0; k < logits.length; k++) {
      logits[k] /= sum;
    }
    return logits;
  }

  @Override
  public List<String> labels() {
    return labels;
  }

  @Override
  public int featureCount() {
    return weights[0].length - 1;
  }

  @Override
  public float[][] probabilities(ScoringInputs inputs) {
    float[][] out = new float[inputs.size()][];
    for (int i = 0; i < inputs.size(); i++) {
      double[] p = softmax(inputs.features()[i]);
      out[i] = new float[p.length];
      for (int k = 0; k < p.length; k++) {
        out[i][k] = (float) p[k];
      }
    }
    return out;
  }

  @Override
  public void close() {}
}
