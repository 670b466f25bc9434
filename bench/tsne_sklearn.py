"""scikit-learn's side of bench/tsne_bench.sh: writes the benchmark input (N points, ten Gaussian
blobs in 50-D, fixed seed) to a CSV for the Java side, then times TSNE(init='pca',
learning_rate='auto', random_state=0) on it R times and prints one line per run.

Usage: /usr/bin/python3 bench/tsne_sklearn.py OUT.csv [points] [repeats]
"""
import sys
import time

import numpy as np
from sklearn.datasets import make_blobs
from sklearn.manifold import TSNE, trustworthiness

out = sys.argv[1]
points = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3

x, labels = make_blobs(n_samples=points, n_features=50, centers=10, cluster_std=4.0, random_state=0)
with open(out, "w") as f:
    for row, label in zip(x, labels):
        f.write(",".join([str(int(label))] + [repr(float(v)) for v in row]) + "\n")

for run in range(1, repeats + 1):
    start = time.perf_counter()
    tsne = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto", random_state=0)
    embedding = tsne.fit_transform(x)
    seconds = time.perf_counter() - start
    trust = trustworthiness(x, embedding, n_neighbors=5)
    print(
        f"sklearn run {run}: {seconds:.2f} s, trustworthiness(k=5) {trust:.4f}, "
        f"KL {tsne.kl_divergence_:.4f}, {tsne.n_iter_ + 1} iterations",
        flush=True,
    )
