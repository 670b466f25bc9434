"""Golden file for the dashboard's projection core (issue 19): scikit-learn's PCA, TSNE and
trustworthiness on one fixed input. The Java tests (PcaGoldenTest, TsneGoldenTest,
TrustworthinessGoldenTest) read what this writes; run it again only to change the input.

Usage (Debian's scikit-learn 1.2.1): /usr/bin/python3 dashboard/src/test/python/tsne_golden.py
"""
import json
import os
import time

import numpy as np
import sklearn
from sklearn.datasets import make_blobs
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "projection")

# Five overlapping Gaussian blobs in 20-D: structure a map should keep, noise it cannot, so the
# trustworthiness is clearly below 1 and a broken embedding shows.
x, labels = make_blobs(n_samples=500, n_features=20, centers=5, cluster_std=4.0, random_state=0)

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "blobs_500x20.csv"), "w") as f:
    f.write(",".join(["label"] + [f"x{j}" for j in range(x.shape[1])]) + "\n")
    for row, label in zip(x, labels):
        f.write(",".join([str(int(label))] + [repr(float(v)) for v in row]) + "\n")

pca = PCA(n_components=2, svd_solver="full")
pca_projection = pca.fit_transform(x)

start = time.perf_counter()
tsne = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto", random_state=0)
embedding = tsne.fit_transform(x)
seconds = time.perf_counter() - start

golden = {
    "sklearn_version": sklearn.__version__,
    "input": "blobs_500x20.csv",
    "pca_projection": pca_projection.tolist(),
    "pca_explained_variance_ratio": pca.explained_variance_ratio_.tolist(),
    "tsne_embedding": embedding.astype(float).tolist(),
    "tsne_kl_divergence": float(tsne.kl_divergence_),
    "tsne_trustworthiness_k5": float(trustworthiness(x, embedding, n_neighbors=5)),
    "tsne_trustworthiness_k10": float(trustworthiness(x, embedding, n_neighbors=10)),
    "pca_trustworthiness_k5": float(trustworthiness(x, pca_projection, n_neighbors=5)),
    "tsne_seconds": seconds,
}
with open(os.path.join(OUT, "tsne_golden.json"), "w") as f:
    json.dump(golden, f, indent=1)
print({k: v for k, v in golden.items() if not isinstance(v, list)})
