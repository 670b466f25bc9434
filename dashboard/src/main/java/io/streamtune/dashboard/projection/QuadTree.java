package io.streamtune.dashboard.projection;

import java.util.Arrays;

/**
 * A quadtree over the 2-D map for the Barnes-Hut approximation of t-SNE's repulsion (van der Maaten
 * 2014, as scikit-learn's {@code _quad_tree}): a cell seen from a point at a squared distance d²
 * with (cell width)² / d² &lt; θ² acts as one point of its mass at its centre of mass. Rebuilt
 * every iteration from the current positions (interleaved x, y).
 */
final class QuadTree {

  // below this width a cell is not split further: the points in it count as one position
  private static final double SMALLEST_WIDTH = 1e-12;

  private final double[] positions;
  private int size;
  private double[] centreX = new double[64];
  private double[] centreY = new double[64];
  private double[] halfWidth = new double[64];
  private double[] massX = new double[64];
  private double[] massY = new double[64];
  private int[] count = new int[64];
  // where a leaf's points sit (the first one's exact position): duplicates share a leaf
  private double[] spotX = new double[64];
  private double[] spotY = new double[64];
  private int[] firstChild = new int[64];
  private int[] stack = new int[64];

  QuadTree(double[] positions) {
    this.positions = positions;
    int n = positions.length / 2;
    double minX = Double.POSITIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      minX = Math.min(minX, positions[2 * i]);
      maxX = Math.max(maxX, positions[2 * i]);
      minY = Math.min(minY, positions[2 * i + 1]);
      maxY = Math.max(maxY, positions[2 * i + 1]);
    }
    double half = Math.max(Math.max(maxX - minX, maxY - minY) / 2 * (1 + 1e-6), SMALLEST_WIDTH);
    newCell((minX + maxX) / 2, (minY + maxY) / 2, half);
    for (int i = 0; i < n; i++) {
      insert(i);
    }
  }

  private int newCell(double x, double y, double half) {
    if (size == count.length) {
      int grown = size * 2;
      centreX = Arrays.copyOf(centreX, grown);
      centreY = Arrays.copyOf(centreY, grown);
      halfWidth = Arrays.copyOf(halfWidth, grown);
      massX = Arrays.copyOf(massX, grown);
      massY = Arrays.copyOf(massY, grown);
      count = Arrays.copyOf(count, grown);
      spotX = Arrays.copyOf(spotX, grown);
      spotY = Arrays.copyOf(spotY, grown);
      firstChild = Arrays.copyOf(firstChild, grown);
    }
    centreX[size] = x;
    centreY[size] = y;
    halfWidth[size] = half;
    massX[size] = 0;
    massY[size] = 0;
    count[size] = 0;
    firstChild[size] = -1;
    return size++;
  }

  private void insert(int point) {
    double x = positions[2 * point];
    double y = positions[2 * point + 1];
    int cell = 0;
    while (true) {
      if (firstChild[cell] < 0) {
        if (count[cell] == 0) {
          spotX[cell] = x;
          spotY[cell] = y;
        }
        if (count[cell] == 0 || halfWidth[cell] < SMALLEST_WIDTH || isSpot(cell, x, y)) {
          addMass(cell, x, y);
          return;
        }
        split(cell);
      }
      addMass(cell, x, y);
      cell = firstChild[cell] + quadrant(cell, x, y);
    }
  }

  private boolean isSpot(int cell, double x, double y) {
    return spotX[cell] == x && spotY[cell] == y;
  }

  // Whether leaf {@code cell} holds the point at (x, y): its spot, or a cell too small to split.
  private boolean leafHolds(int cell, double x, double y) {
    double reach = 2 * halfWidth[cell];
    return isSpot(cell, x, y)
        || halfWidth[cell] < SMALLEST_WIDTH
            && Math.abs(x - centreX[cell]) <= reach
            && Math.abs(y - centreY[cell]) <= reach;
  }

  // A leaf with points becomes an inner cell: its points (all at its spot) move to one child.
  private void split(int cell) {
    double half = halfWidth[cell] / 2;
    int first = newCell(centreX[cell] - half, centreY[cell] - half, half);
    newCell(centreX[cell] + half, centreY[cell] - half, half);
    newCell(centreX[cell] - half, centreY[cell] + half, half);
    newCell(centreX[cell] + half, centreY[cell] + half, half);
    firstChild[cell] = first;
    int child = first + quadrant(cell, spotX[cell], spotY[cell]);
    massX[child] = massX[cell];
    massY[child] = massY[cell];
    count[child] = count[cell];
    spotX[child] = spotX[cell];
    spotY[child] = spotY[cell];
  }

  private int quadrant(int cell, double x, double y) {
    return (x >= centreX[cell] ? 1 : 0) + (y >= centreY[cell] ? 2 : 0);
  }

  private void addMass(int cell, double x, double y) {
    massX[cell] += x;
    massY[cell] += y;
    count[cell]++;
  }

  /**
   * Adds to {@code force[0..1]} the unnormalised repulsion on point {@code i}, Σⱼ wᵢⱼ²(yᵢ − yⱼ),
   * and returns its share of the normaliser, Σⱼ wᵢⱼ, over all other points, cells far enough (θ)
   * taken whole. θ = 0 sums every pair exactly.
   */
  double repulsion(int i, double theta, double[] force) {
    double x = positions[2 * i];
    double y = positions[2 * i + 1];
    double thetaSquared = theta * theta;
    double normaliser = 0;
    double force0 = 0;
    double force1 = 0;
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
      int cell = stack[--top];
      int mass = count[cell];
      if (mass == 0) {
        continue;
      }
      double d0 = x - massX[cell] / mass;
      double d1 = y - massY[cell] / mass;
      double distanceSquared = d0 * d0 + d1 * d1;
      boolean leaf = firstChild[cell] < 0;
      double width = 2 * halfWidth[cell];
      if (leaf || width * width < thetaSquared * distanceSquared) {
        // the point does not repel itself
        int others = leaf && leafHolds(cell, x, y) ? mass - 1 : mass;
        double w = 1 / (1 + distanceSquared);
        normaliser += others * w;
        double pull = others * w * w;
        force0 += pull * d0;
        force1 += pull * d1;
      } else {
        if (top + 4 > stack.length) {
          stack = Arrays.copyOf(stack, stack.length * 2);
        }
        for (int child = firstChild[cell]; child < firstChild[cell] + 4; child++) {
          stack[top++] = child;
        }
      }
    }
    force[0] = force0;
    force[1] = force1;
    return normaliser;
  }
}
