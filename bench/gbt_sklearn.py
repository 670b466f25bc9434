#!/usr/bin/env python3
"""scikit-learn's HistGradientBoostingClassifier on the same prepared split as streamtune's gbt.

Reads the CSV of `streamtune prepare` (id, split, label, features), fits on the train rows and scores
the holdout rows: once with scikit-learn's defaults and once with the settings closest to streamtune's
gbt defaults (docs/benchmarks.md, "Gradient-boosted trees (issue 18)"). Then scores the holdout
probabilities the Java side wrote (GbtCreditBenchmark) with the same metric functions, so both sides
are measured alike, and prints one table (markdown) plus a JSON file of every number.

Reference only (a test-time peer): Debian's python3-sklearn 1.2.1, python3-pandas.
"""
import argparse
import json
import statistics
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

# scikit-learn's settings that mirror streamtune's trainer.gbt defaults (GbtSpec): learning rate 0.1,
# 100 iterations, 31 leaves grown best-first with no depth limit, 255 bins, no early stopping (the
# trainer's validationFraction is 0 by default), L2 1 (XGBoost's lambda) and balanced class weights (the
# MLP's). One knob has no match: XGBoost's leaf limit is a Hessian sum (min_child_weight 1: about 4 rows
# at p = 0.5, more as the fit sharpens), scikit-learn 1.2's a row count (min_samples_leaf, left at 20;
# its Hessian limit is fixed at 1e-3 and not a parameter).
MATCHED = dict(
    learning_rate=0.1,
    max_iter=100,
    max_leaf_nodes=31,
    max_depth=None,
    max_bins=255,
    early_stopping=False,
    l2_regularization=1.0,
    class_weight="balanced",
)


def metrics(labels, probabilities):
    predicted = probabilities.argmax(axis=1)
    if probabilities.shape[1] == 2:
        auc = roc_auc_score(labels, probabilities[:, 1])
    else:
        auc = roc_auc_score(labels, probabilities, multi_class="ovr", average="macro")
    return {
        "macro_f1": f1_score(labels, predicted, average="macro"),
        "accuracy": accuracy_score(labels, predicted),
        "roc_auc": auc,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--prepared", required=True)
    parser.add_argument("--classes", required=True, help="comma-separated, in the spec's order")
    parser.add_argument("--java-out", required=True, help="GbtCreditBenchmark's output folder")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", required=True, help="where to write every number")
    args = parser.parse_args()

    classes = args.classes.split(",")
    data = pd.read_csv(args.prepared)
    features = [c for c in data.columns if c not in ("id", "split", "label")]
    train = data[data["split"] == "train"]
    holdout = data[data["split"] == "holdout"]
    x_train = train[features].to_numpy(dtype=np.float32)
    y_train = train["label"].map(classes.index).to_numpy()
    x_holdout = holdout[features].to_numpy(dtype=np.float32)
    y_holdout = holdout["label"].map(classes.index).to_numpy()

    results = {}
    for name, params in (("sklearn_default", {}), ("sklearn_matched", MATCHED)):
        fits, predicts, fit_cpu, predict_cpu, probabilities = [], [], [], [], None
        for _ in range(args.repeats):
            model = HistGradientBoostingClassifier(random_state=args.seed, **params)
            start, cpu = time.perf_counter(), time.process_time()
            model.fit(x_train, y_train)
            fits.append(time.perf_counter() - start)
            fit_cpu.append(time.process_time() - cpu)
            start, cpu = time.perf_counter(), time.process_time()
            probabilities = model.predict_proba(x_holdout)
            predicts.append(time.perf_counter() - start)
            predict_cpu.append(time.process_time() - cpu)
        results[name] = dict(
            metrics(y_holdout, probabilities),
            fit_s=fits,
            predict_s=predicts,
            fit_cpu_s=fit_cpu,
            predict_cpu_s=predict_cpu,
            iterations=int(model.n_iter_),
        )

    timings = pd.read_csv(f"{args.java_out}/java_timings.csv")
    for name, rows in timings.groupby("variant", sort=False):
        scored = pd.read_csv(f"{args.java_out}/{name}.probabilities.csv")
        scored = scored.set_index("id").loc[holdout["id"]]
        assert (scored["label"].to_numpy() == y_holdout).all(), "Java holdout labels differ"
        probabilities = scored[[c for c in scored.columns if c.startswith("p")]].to_numpy()
        results[name] = dict(
            metrics(y_holdout, probabilities),
            fit_s=rows["fit_s"].tolist(),
            predict_s=rows["predict_s"].tolist(),
            fit_cpu_s=rows["fit_cpu_s"].tolist(),
            predict_cpu_s=rows["predict_cpu_s"].tolist(),
        )

    with open(args.json, "w") as out:
        json.dump(
            {"train_rows": len(train), "holdout_rows": len(holdout), "results": results},
            out,
            indent=2,
        )
    print(f"train {len(train)} rows, holdout {len(holdout)} rows, {len(features)} features")
    print("| model | macro F1 | accuracy | ROC-AUC | fit CPU s (median of %d) | fit wall s (each) |"
          " predict CPU ms | predict wall ms |" % args.repeats)
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        fit_each = ", ".join(f"{s:.3f}" for s in r["fit_s"])
        print(f"| {name} | {r['macro_f1']:.4f} | {r['accuracy']:.4f} | {r['roc_auc']:.4f} | "
              f"{statistics.median(r['fit_cpu_s']):.3f} | {fit_each} | "
              f"{1000 * statistics.median(r['predict_cpu_s']):.2f} | "
              f"{1000 * statistics.median(r['predict_s']):.2f} |")


if __name__ == "__main__":
    main()
