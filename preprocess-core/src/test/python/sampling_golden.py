#!/usr/bin/env python3
"""Writes the golden files the sampling tests compare against (imbalanced-learn 0.10, scikit-learn 1.2).

Run from the repository root with Debian's python3 (python3-imblearn, python3-sklearn):

    /usr/bin/python3 preprocess-core/src/test/python/sampling_golden.py [path/to/lending_club.csv]

Input: the numeric columns of lending_club (5% minority, Class=bad), standardized, rounded to 6
decimals and written as golden/sampling/lending_club_numeric.csv. Everything below is computed from
the floats parsed back from that file, so Java and Python see exactly the same numbers.

Outputs (preprocess-core/src/test/resources/golden/sampling/):
- lending_club_numeric.csv: id, label, 17 standardized features
- expected.json: class counts after each sampler, the rows TomekLinks and EditedNearestNeighbours
  remove (sampling_strategy 'auto'), the Tomek pairs
- smote_output_subset.csv: imbalanced-learn's SMOTE output for the first 1500 input rows (synthetic
  rows get ids syn-<n>), and in expected.json the rows TomekLinks('all') / ENN('all') remove from it:
  the cleaning half of SMOTETomek / SMOTEENN on a fixed input.
"""
import csv
import json
import os
import sys
from collections import Counter

import imblearn
import numpy as np
import sklearn
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.under_sampling import EditedNearestNeighbours, RandomUnderSampler, TomekLinks
from imblearn.combine import SMOTEENN, SMOTETomek
from sklearn.neighbors import NearestNeighbors

SOURCE = sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets/tabular/lending_club.csv"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden", "sampling")
CATEGORICAL = {"term", "sub_grade", "addr_state", "verification_status", "emp_length"}
LABEL = "Class"
SUBSET = 1500
SEED = 0


def read_source():
    with open(SOURCE, newline="") as f:
        rows = list(csv.DictReader(f))
    columns = [c for c in rows[0] if c not in CATEGORICAL and c != LABEL]
    x = np.array([[float(r[c]) for c in columns] for r in rows])
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    labels = [r[LABEL] for r in rows]
    return columns, x, labels


def write_matrix(path, columns, ids, labels, x):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "label"] + columns)
        for i in range(len(ids)):
            w.writerow([ids[i], labels[i]] + ["%.6f" % v for v in x[i]])


def read_matrix(path):
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        rows = list(r)
    ids = [row[0] for row in rows]
    y = np.array([row[1] for row in rows])
    x = np.array([[float(v) for v in row[2:]] for row in rows])
    return header[2:], ids, y, x


def check_neighbours_are_unambiguous(x, k):
    """The golden neighbours must not depend on how ties or rounding are broken: scikit-learn's brute
    force (dot-product trick) and exact differences must give the same k+1 nearest, with no ties."""
    nn = NearestNeighbors(n_neighbors=k + 1).fit(x)
    _, sk = nn.kneighbors(x)
    for i in range(len(x)):
        d = ((x - x[i]) ** 2).sum(axis=1)
        order = np.lexsort((np.arange(len(x)), d))[: k + 2]
        assert np.array_equal(order[: k + 1], sk[i]), f"row {i}: neighbour order differs"
        assert len(np.unique(d[order])) == k + 2, f"row {i}: tie among the {k + 1} nearest"


def removed(ids, sample_indices):
    kept = set(int(i) for i in sample_indices)
    return sorted(ids[i] for i in range(len(ids)) if i not in kept)


def tomek_pairs(x, y, ids, strategy):
    sampler = TomekLinks(sampling_strategy=strategy).fit(x, y)
    sampler.fit_resample(x, y)
    gone = removed(ids, sampler.sample_indices_)
    nn = NearestNeighbors(n_neighbors=2).fit(x)
    partner = nn.kneighbors(x, return_distance=False)[:, 1]
    index = {rid: i for i, rid in enumerate(ids)}
    pairs = [[rid, ids[partner[index[rid]]]] for rid in gone]
    return gone, pairs


def counts(y):
    return {str(k): int(v) for k, v in sorted(Counter(y).items())}


def main():
    os.makedirs(OUT, exist_ok=True)
    columns, x_raw, labels = read_source()
    ids = ["lc-%d" % i for i in range(len(labels))]
    input_path = os.path.join(OUT, "lending_club_numeric.csv")
    write_matrix(input_path, columns, ids, labels, x_raw)
    columns, ids, y, x = read_matrix(input_path)
    check_neighbours_are_unambiguous(x, 3)

    expected = {
        "generator": "preprocess-core/src/test/python/sampling_golden.py",
        "imblearn": imblearn.__version__,
        "sklearn": sklearn.__version__,
        "input": "lending_club_numeric.csv",
        "counts": counts(y),
    }

    tomek_auto, pairs_auto = tomek_pairs(x, y, ids, "auto")
    expected["tomek"] = {"auto": {"removed": tomek_auto, "pairs": pairs_auto}}

    enn = EditedNearestNeighbours(sampling_strategy="auto", n_neighbors=3, kind_sel="all")
    enn.fit_resample(x, y)
    expected["enn"] = {"auto": {"nNeighbors": 3, "removed": removed(ids, enn.sample_indices_)}}

    def resampled_counts(sampler):
        _, y_res = sampler.fit_resample(x, y)
        return counts(y_res)

    expected["smote"] = {
        "auto_k5": resampled_counts(SMOTE(k_neighbors=5, random_state=SEED)),
        "ratio_0.5_k5": resampled_counts(SMOTE(sampling_strategy=0.5, k_neighbors=5, random_state=SEED)),
        "auto_k3": resampled_counts(SMOTE(k_neighbors=3, random_state=SEED)),
        "dict_bad_3000": resampled_counts(SMOTE(sampling_strategy={"bad": 3000}, random_state=SEED)),
    }
    expected["random_over"] = {
        "auto": resampled_counts(RandomOverSampler(random_state=SEED)),
        "ratio_0.5": resampled_counts(RandomOverSampler(sampling_strategy=0.5, random_state=SEED)),
    }
    expected["random_under"] = {
        "auto": resampled_counts(RandomUnderSampler(random_state=SEED)),
        "ratio_0.5": resampled_counts(RandomUnderSampler(sampling_strategy=0.5, random_state=SEED)),
    }
    # random: the counts depend on imblearn's own random SMOTE points; for orientation only
    expected["combined_for_orientation"] = {
        "smote_tomek": resampled_counts(SMOTETomek(random_state=SEED)),
        "smote_enn": resampled_counts(SMOTEENN(random_state=SEED)),
    }

    # the cleaning half of SMOTETomek / SMOTEENN on a fixed SMOTE output
    x_sub, y_sub = x[:SUBSET], y[:SUBSET]
    x_smote, y_smote = SMOTE(k_neighbors=5, random_state=SEED).fit_resample(x_sub, y_sub)
    smote_ids = ids[:SUBSET] + ["syn-%d" % i for i in range(len(y_smote) - SUBSET)]
    subset_path = os.path.join(OUT, "smote_output_subset.csv")
    write_matrix(subset_path, columns, smote_ids, list(y_smote), x_smote)
    _, smote_ids, y_smote, x_smote = read_matrix(subset_path)
    check_neighbours_are_unambiguous(x_smote, 3)
    tomek_sub, pairs_sub = tomek_pairs(x_smote, y_smote, smote_ids, "all")
    enn_sub = EditedNearestNeighbours(sampling_strategy="all")
    enn_sub.fit_resample(x_smote, y_smote)
    expected["after_smote_subset"] = {
        "input": "smote_output_subset.csv",
        "counts": counts(y_smote),
        "tomek_all": {"removed": tomek_sub, "pairs": pairs_sub},
        "enn_all": {"nNeighbors": 3, "removed": removed(smote_ids, enn_sub.sample_indices_)},
    }

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print("input", x.shape, expected["counts"])
    print("tomek auto removed", len(tomek_auto))
    print("enn auto removed", len(expected["enn"]["auto"]["removed"]))
    print("smote", expected["smote"])
    print("combined", expected["combined_for_orientation"])
    print("after smote subset", expected["after_smote_subset"]["counts"],
          "tomek", len(tomek_sub), "enn", len(expected["after_smote_subset"]["enn_all"]["removed"]))


if __name__ == "__main__":
    main()
