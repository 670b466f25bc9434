#!/usr/bin/python3
"""The benchmark pipeline's transforms in scikit-learn 1.2 on the same rows (lending_club replayed
to N rows): impute (mean / most frequent), winsorize (1 % / 99 % quantiles), standard scaling,
one-hot (spec categories), IncrementalPCA to 8 components. Prints records/s of fit + transform,
from arrays already in memory (CSV parsing not timed)."""
import csv
import sys
import time

import numpy as np
from sklearn.decomposition import IncrementalPCA
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

path, n, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = list(csv.DictReader(open(path)))
label = "Class"
columns = [c for c in rows[0] if c != label]
numeric, categorical = [], []
for c in columns:
    try:
        [float(r[c]) for r in rows if r[c] not in ("", "NA")]
        numeric.append(c)
    except ValueError:
        categorical.append(c)
reps = -(-n // len(rows))
X = np.tile(np.array([[float(r[c]) if r[c] not in ("", "NA") else np.nan for c in numeric] for r in rows]), (reps, 1))[:n]
C = np.tile(np.array([[r[c] for c in categorical] for r in rows], dtype=object), (reps, 1))[:n]
categories = [sorted(set(C[:, j])) for j in range(C.shape[1])]

for run in range(1, runs + 1):
    t0 = time.perf_counter()
    Xi = SimpleImputer(strategy="mean").fit_transform(X)
    Ci = SimpleImputer(strategy="most_frequent").fit_transform(C)
    lo, hi = np.quantile(Xi, 0.01, axis=0), np.quantile(Xi, 0.99, axis=0)
    Xw = np.clip(Xi, lo, hi)
    Xs = StandardScaler().fit_transform(Xw)
    onehot = OneHotEncoder(categories=categories, handle_unknown="ignore", sparse_output=False).fit_transform(Ci)
    full = np.hstack([Xs, onehot])
    pcs = IncrementalPCA(n_components=8).fit_transform(full)
    seconds = time.perf_counter() - t0
    print(f"scikit-learn run {run}: {n:,} records in {seconds:.1f} s = {n / seconds:,.0f} records/s (width {full.shape[1]} -> {pcs.shape[1]})")
