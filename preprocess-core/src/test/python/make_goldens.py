#!/usr/bin/python3
"""Writes the scikit-learn golden files the Java golden tests compare against.

Run from the repository root with Debian's python3-sklearn (1.2):

    /usr/bin/python3 preprocess-core/src/test/python/make_goldens.py

For every dataset (credit_data: data/credit_data.csv; lending_club: the committed first 2000 rows)
and every case below it writes preprocess-core/src/test/resources/golden/<dataset>/<case>.json with
  steps:   the preprocess YAML the Java side runs (the same definition on both sides)
  checks:  fitted parameters to compare, each with how (relative 1e-6, up to sign, exact, or an
           interval of values whose rank lies within the KLL sketch's error bound)
  rows / output: a sample of output rows (sklearn's transform of all rows, fitted on all rows)
Quantile-based cases are also written for an exact sketch (k above the row count, where KLL keeps
every value and returns the inverted-CDF quantile); those outputs are compared at 1e-6.
"""
import csv
import json
import os
import re

import numpy as np
import sklearn
from sklearn.decomposition import IncrementalPCA
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_selection import VarianceThreshold, mutual_info_classif
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import (
    KBinsDiscretizer,
    MinMaxScaler,
    Normalizer,
    OneHotEncoder,
    PowerTransformer,
    RobustScaler,
    StandardScaler,
)

assert sklearn.__version__.startswith("1.2"), sklearn.__version__

OUT = "preprocess-core/src/test/resources/golden"
KLL_K = 200
# DataSketches KllSketch.getNormalizedRankError(k, false) = 2.296 / k^0.9723
RANK_ERROR = 2.296 / KLL_K**0.9723
MISSING = ("", "NA")


def read_spec_categories(path):
    """Column order and categories from a pipeline spec's `columns:` block (flow-style lines)."""
    columns = []
    for line in open(path):
        m = re.match(r"\s+(\w+): \{type: (numeric|categorical)(?:, categories: \[(.*)\])?\}", line)
        if m:
            cats = None
            if m.group(2) == "categorical":
                cats = [c.strip().strip('"') for c in m.group(3).split(",")]
            columns.append((m.group(1), cats))
    return columns


def write_lending_spec(rows):
    header = [c for c in rows[0].keys() if c != "Class"]
    columns = []
    for c in header:
        values = [r[c] for r in rows if r[c] not in MISSING]
        try:
            [float(v) for v in values]
            columns.append((c, None))
        except ValueError:
            counts = {}
            for v in values:
                counts[v] = counts.get(v, 0) + 1
            cats = sorted(counts, key=lambda v: (-counts[v], v))
            columns.append((c, cats))
    with open(f"{OUT}/lending_club.yaml", "w") as f:
        f.write("# Spec of the golden lending_club subset (written by make_goldens.py)\n")
        f.write("name: lending-golden\nlabel:\n  column: Class\n  classes: [good, bad]\ncolumns:\n")
        for c, cats in columns:
            if cats is None:
                f.write(f"  {c}: {{type: numeric}}\n")
            else:
                f.write(f"  {c}: {{type: categorical, categories: [{', '.join(cats)}]}}\n")
    return columns


class Data:
    def __init__(self, name, path, columns, label):
        self.name = name
        rows = list(csv.DictReader(open(path)))
        self.n = len(rows)
        self.columns = columns
        self.numeric = [c for c, cats in columns if cats is None]
        self.categorical = [c for c, cats in columns if cats is not None]
        self.categories = {c: cats for c, cats in columns if cats is not None}
        self.X = np.array(
            [[float(r[c]) if r[c] not in MISSING else np.nan for c in self.numeric] for r in rows]
        )
        self.C = np.array(
            [[r[c] if r[c] not in MISSING else None for c in self.categorical] for r in rows],
            dtype=object,
        )
        self.y = np.array([0 if r[label] == "good" else 1 for r in rows])
        step = max(1, self.n // (100 if name == "credit" else 60))
        self.sample = list(range(0, self.n, step))

    def imputed(self):
        """Numerics mean-imputed, categoricals most-frequent-imputed (the default first steps)."""
        X = SimpleImputer(strategy="mean").fit_transform(self.X)
        C = self.C.copy()
        for j in range(C.shape[1]):
            col = [v for v in C[:, j] if v is not None and v in self.categories[self.categorical[j]]]
            if col:
                values, counts = np.unique(np.array(col, dtype=object), return_counts=True)
                mode = values[np.argmax(counts)]
            else:
                mode = self.categories[self.categorical[j]][0]
            C[:, j] = [mode if v is None else v for v in C[:, j]]
        return X, C

    def assemble(self, X, C, unseen=True):
        """Spec column order with each categorical one-hot encoded in place."""
        parts = []
        ni = ci = 0
        for c, cats in self.columns:
            if cats is None:
                parts.append(X[:, [ni]])
                ni += 1
            else:
                enc = OneHotEncoder(categories=[cats], handle_unknown="ignore", sparse_output=False)
                onehot = enc.fit_transform(C[:, [ci]].astype(str))
                onehot[np.array([v is None for v in C[:, ci]])] = 0
                parts.append(onehot)
                if unseen:
                    parts.append(np.zeros((self.n, 1)))
                ci += 1
        return np.hstack(parts)


DEFAULT_HEAD = """    - impute: {strategy: mean}
    - impute: {strategy: most_frequent}
"""


def rel(values):
    return {"compare": "relative", "expected": np.asarray(values, dtype=float).tolist()}


def interval(column_values, ranks):
    """Values whose rank is within the sketch's error of each wanted rank."""
    lower, upper = [], []
    for j, q in enumerate(ranks):
        col = np.sort(column_values[j][~np.isnan(column_values[j])])
        lo_q, hi_q = max(0.0, q - RANK_ERROR), min(1.0, q + RANK_ERROR)
        lower.append(float(np.quantile(col, lo_q, method="inverted_cdf")))
        upper.append(float(np.quantile(col, hi_q, method="inverted_cdf")))
    return {"compare": "interval", "lower": lower, "upper": upper}


def exact_quantile(values, q):
    return float(np.quantile(values[~np.isnan(values)], q, method="inverted_cdf"))


def cases(d):
    """(name, steps yaml, checks, output matrix, exact-sketch variant or None, extra keys)."""
    X, C = d.imputed()
    n_num = len(d.numeric)
    out = []

    # --- SimpleImputer mean / most_frequent, OneHotEncoder
    imp = SimpleImputer(strategy="mean").fit(d.X)
    out.append(("impute_mean_onehot", DEFAULT_HEAD + "    - oneHot: {}\n",
                [{"step": 0, "key": "fill", **rel(imp.statistics_)}],
                d.assemble(X, C), None))

    # --- SimpleImputer median (KLL)
    med = SimpleImputer(strategy="median").fit(d.X)
    Xmed = d.X.copy()
    exact_medians = [exact_quantile(d.X[:, j], 0.5) for j in range(n_num)]
    for j in range(n_num):
        Xmed[np.isnan(Xmed[:, j]), j] = exact_medians[j]
    out.append(("impute_median", "    - impute: {strategy: median}\n"
                "    - impute: {strategy: most_frequent}\n    - oneHot: {}\n",
                [{"step": 0, "key": "fill", **interval([d.X[:, j] for j in range(n_num)], [0.5] * n_num),
                  "sklearn": med.statistics_.tolist()}],
                None, {"output": d.assemble(Xmed, C),
                       "checks": [{"step": 0, "key": "fill", **rel(exact_medians)}]}))

    # --- SimpleImputer constant
    Xc = np.where(np.isnan(d.X), -1.0, d.X)
    Cc = np.array([[v if v is not None else "missing_value" for v in row] for row in d.C], dtype=object)
    const = SimpleImputer(strategy="constant", fill_value=-1.0).fit(d.X)
    assembled = d.assemble(Xc, Cc)
    # "missing_value" is no spec category: it lands in each column's unseen slot
    pos = 0
    for c, cats in d.columns:
        if cats is None:
            pos += 1
        else:
            j = d.categorical.index(c)
            assembled[np.array([v is None for v in d.C[:, j]]), pos + len(cats)] = 1
            pos += len(cats) + 1
    out.append(("impute_constant", "    - impute: {strategy: constant, columns: [%s], fillValue: \"-1\"}\n"
                "    - impute: {strategy: constant, columns: [%s]}\n    - oneHot: {}\n"
                % (", ".join(d.numeric), ", ".join(d.categorical)),
                [{"step": 0, "key": "fill", **rel(const.statistics_)}], assembled, None))

    # --- StandardScaler
    ss = StandardScaler().fit(X)
    out.append(("standard_scaler", DEFAULT_HEAD + "    - scale: {method: standard}\n    - oneHot: {}\n",
                [{"step": 2, "key": "mean", **rel(ss.mean_)}, {"step": 2, "key": "std", **rel(ss.scale_)}],
                d.assemble(ss.transform(X), C), None))

    # --- MinMaxScaler
    mm = MinMaxScaler(feature_range=(-1, 1)).fit(X)
    out.append(("minmax_scaler", DEFAULT_HEAD + "    - scale: {method: minmax, featureRange: [-1, 1]}\n    - oneHot: {}\n",
                [{"step": 2, "key": "dataMin", **rel(mm.data_min_)},
                 {"step": 2, "key": "dataRange", **rel(mm.data_range_)}],
                d.assemble(mm.transform(X), C), None))

    # --- RobustScaler (KLL)
    rs = RobustScaler().fit(X)
    med_ex = np.array([exact_quantile(X[:, j], 0.5) for j in range(n_num)])
    iqr_ex = np.array([exact_quantile(X[:, j], 0.75) - exact_quantile(X[:, j], 0.25) for j in range(n_num)])
    iqr_ex = np.where(iqr_ex < 10 * np.finfo(float).eps, 1.0, iqr_ex)
    out.append(("robust_scaler", DEFAULT_HEAD + "    - scale: {method: robust}\n    - oneHot: {}\n",
                [{"step": 2, "key": "median", **interval([X[:, j] for j in range(n_num)], [0.5] * n_num),
                  "sklearn": rs.center_.tolist()}],
                None, {"output": d.assemble((X - med_ex) / iqr_ex, C),
                       "checks": [{"step": 2, "key": "median", **rel(med_ex)},
                                  {"step": 2, "key": "iqr", **rel(iqr_ex)}]}))

    # --- Normalizer (L2 over every feature)
    full = d.assemble(StandardScaler().fit_transform(X), C)
    out.append(("normalizer", DEFAULT_HEAD + "    - scale: {}\n    - oneHot: {}\n    - normalize: {}\n",
                [], Normalizer().fit_transform(full), None))

    # --- fixed clip, z-score clip, log1p
    lo, hi = np.percentile(X, 10, axis=0), np.percentile(X, 90, axis=0)
    col = d.numeric[-1]
    clipped = X.copy()
    clipped[:, -1] = np.clip(X[:, -1], lo[-1], hi[-1])
    out.append(("clip_fixed", DEFAULT_HEAD + "    - clip: {columns: [%s], min: %r, max: %r}\n    - oneHot: {}\n"
                % (col, float(lo[-1]), float(hi[-1])), [], d.assemble(clipped, C), None))
    mean, std = X.mean(axis=0), X.std(axis=0)
    zc = np.clip(X, mean - 2.5 * std, mean + 2.5 * std)
    out.append(("zscore_clip", DEFAULT_HEAD + "    - zscoreClip: {threshold: 2.5}\n    - oneHot: {}\n",
                [{"step": 2, "key": "lower", **rel(mean - 2.5 * std)},
                 {"step": 2, "key": "upper", **rel(mean + 2.5 * std)}],
                d.assemble(zc, C), None))
    positive = [c for j, c in enumerate(d.numeric) if np.nanmin(d.X[:, j]) > -1]
    Xl = X.copy()
    for j, c in enumerate(d.numeric):
        if c in positive:
            Xl[:, j] = np.log1p(X[:, j])
    out.append(("log1p", DEFAULT_HEAD + "    - log1p: {columns: [%s]}\n    - oneHot: {}\n" % ", ".join(positive),
                [], d.assemble(Xl, C), None))

    # --- winsorize and IQR clip (KLL)
    q01 = [exact_quantile(X[:, j], 0.05) for j in range(n_num)]
    q99 = [exact_quantile(X[:, j], 0.95) for j in range(n_num)]
    out.append(("winsorize", DEFAULT_HEAD + "    - winsorize: {lower: 0.05, upper: 0.95}\n    - oneHot: {}\n",
                [{"step": 2, "key": "lower", **interval([X[:, j] for j in range(n_num)], [0.05] * n_num),
                  "sklearn": np.percentile(X, 5, axis=0).tolist()},
                 {"step": 2, "key": "upper", **interval([X[:, j] for j in range(n_num)], [0.95] * n_num),
                  "sklearn": np.percentile(X, 95, axis=0).tolist()}],
                None, {"output": d.assemble(np.clip(X, q01, q99), C),
                       "checks": [{"step": 2, "key": "lower", **rel(q01)}, {"step": 2, "key": "upper", **rel(q99)}]}))
    q1 = np.array([exact_quantile(X[:, j], 0.25) for j in range(n_num)])
    q3 = np.array([exact_quantile(X[:, j], 0.75) for j in range(n_num)])
    out.append(("iqr_clip", DEFAULT_HEAD + "    - iqrClip: {factor: 1.5}\n    - oneHot: {}\n",
                [], None, {"output": d.assemble(np.clip(X, q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)), C),
                           "checks": [{"step": 2, "key": "lower", **rel(q1 - 1.5 * (q3 - q1))},
                                      {"step": 2, "key": "upper", **rel(q3 + 1.5 * (q3 - q1))}]}))

    # --- PowerTransformer (Yeo-Johnson, standardized)
    pt = PowerTransformer(method="yeo-johnson", standardize=True).fit(X)
    out.append(("yeo_johnson", "  warmup: 1\n  steps:\n" + DEFAULT_HEAD + "    - yeoJohnson: {}\n    - oneHot: {}\n",
                [{"step": 2, "key": "lambdas", **rel(pt.lambdas_)}],
                d.assemble(pt.transform(X), C), None))

    # --- KBinsDiscretizer (uniform exact; quantile on an exact sketch)
    kb = KBinsDiscretizer(n_bins=4, encode="ordinal", strategy="uniform").fit(X)
    out.append(("bin_uniform", DEFAULT_HEAD + "    - bin: {bins: 4, strategy: uniform}\n    - oneHot: {}\n",
                [], d.assemble(kb.transform(X), C), None))
    edges = []
    for j in range(n_num):
        e = np.array([exact_quantile(X[:, j], q) for q in np.linspace(0, 1, 5)])
        e = e[np.ediff1d(e, to_begin=np.inf) > 1e-8]
        if X[:, j].min() == X[:, j].max():
            e = np.array([-np.inf, np.inf])
        edges.append(e)
    kq = KBinsDiscretizer(n_bins=4, encode="ordinal", strategy="quantile").fit(X)
    kq.bin_edges_ = np.array(edges, dtype=object)
    kq.n_bins_ = np.array([len(e) - 1 for e in edges])
    out.append(("bin_quantile", DEFAULT_HEAD + "    - bin: {bins: 4, strategy: quantile}\n    - oneHot: {}\n",
                [], None, {"output": d.assemble(kq.transform(X), C), "checks": []}))

    # --- FeatureHasher over the categorical columns
    fh = FeatureHasher(n_features=16, input_type="dict", alternate_sign=True)
    hashed = fh.transform([{c: v for c, v in zip(d.categorical, row) if v is not None} for row in C]).toarray()
    first = [c for c, cats in d.columns].index(d.categorical[0])
    parts, ni = [], 0
    for i, (c, cats) in enumerate(d.columns):
        if i == first:
            parts.append(hashed)
        if cats is None:
            parts.append(X[:, [ni]])
            ni += 1
    out.append(("feature_hasher", DEFAULT_HEAD + "    - hash: {buckets: 16}\n", [], np.hstack(parts), None))

    # --- VarianceThreshold on the one-hot frame
    onehot = d.assemble(X, C)
    vt = VarianceThreshold(threshold=0.05).fit(onehot)
    masked = onehot * vt.get_support()
    out.append(("variance_threshold", DEFAULT_HEAD + "    - oneHot: {}\n    - varianceThreshold: {threshold: 0.05}\n",
                [{"step": 3, "key": "variances", **rel(vt.variances_)},
                 {"step": 3, "key": "kept", "compare": "exact", "expected": vt.get_support().tolist()}],
                masked, None))

    # --- IncrementalPCA (up to sign), then mutual_info_classif ranking on its (tie-free) output
    scaled = d.assemble(StandardScaler().fit_transform(X), C)
    ipca = IncrementalPCA(n_components=6).fit(scaled)
    pcs = ipca.transform(scaled)
    out.append(("incremental_pca", DEFAULT_HEAD + "    - scale: {}\n    - oneHot: {}\n    - pca: {components: 6}\n",
                [{"step": 4, "key": "mean", **rel(ipca.mean_)},
                 {"step": 4, "key": "singularValues", **rel(ipca.singular_values_)},
                 {"step": 4, "key": "components", "compare": "rows_up_to_sign",
                  "expected": ipca.components_.tolist()}],
                pcs, {"output_compare": "columns_up_to_sign"}))
    mi = mutual_info_classif(pcs, d.y, random_state=0)
    ranking = [int(i) for i in np.argsort(-mi, kind="stable")]
    chosen = sorted(ranking[:3])
    out.append(("mutual_info_top3", "  warmup: 1\n  steps:\n" + DEFAULT_HEAD
                + "    - scale: {}\n    - oneHot: {}\n    - pca: {components: 6}\n    - selectKBest: {k: 3}\n",
                [{"step": 5, "key": "chosenIndexes", "compare": "exact", "expected": chosen},
                 {"step": 5, "key": "scores", "compare": "ranking", "expected": mi.tolist()}],
                pcs[:, chosen], {"output_compare": "columns_up_to_sign"}))
    return out


def main():
    credit = Data("credit", "data/credit_data.csv", read_spec_categories("pipelines/credit.yaml"), "Status")
    lending_rows = list(csv.DictReader(open(f"{OUT}/lending_club_2000.csv")))
    lending = Data("lending_club", f"{OUT}/lending_club_2000.csv", write_lending_spec(lending_rows), "Class")
    for d in (credit, lending):
        os.makedirs(f"{OUT}/{d.name}", exist_ok=True)
        for name, steps, checks, output, extra in cases(d):
            if not steps.startswith("  warmup"):
                steps = "  steps:\n" + steps
            doc = {"dataset": d.name, "case": name, "sklearn": sklearn.__version__,
                   "preprocess": steps, "checks": checks, "rows": d.sample}
            extra = dict(extra or {})
            doc["output_compare"] = extra.pop("output_compare", "relative")
            if output is not None:
                doc["output"] = np.round(output[d.sample], 12).tolist()
            if "output" in extra:
                doc["exact_sketch"] = {"output": np.round(extra["output"][d.sample], 12).tolist(),
                                       "checks": extra["checks"]}
            with open(f"{OUT}/{d.name}/{name}.json", "w") as f:
                json.dump(doc, f, separators=(",", ":"))
    print("goldens written to", OUT)


if __name__ == "__main__":
    main()
