#!/usr/bin/python3
"""Writes the golden files of the metric tests (MetricsGoldenTest) with scikit-learn 1.2.1.

Run from the repository root:  /usr/bin/python3 model/src/test/python/metrics_golden.py
It rewrites model/src/test/resources/metrics-golden/*.json; commit them with any change here.
Test-time reference only: the build never runs Python, the Java test reads the JSON.

Probabilities are drawn as float32 (what the models output) and written as the float64 value of
that float32, so Java's float[][] holds exactly what sklearn scored. Predictions are the argmax of
the probabilities (the lowest index on a tie, as numpy and ScoringModel.argMax).
"""
import json
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn import metrics

OUT = os.path.join("model", "src", "test", "resources", "metrics-golden")
CALIBRATION_BINS = 15


def maybe(value):
    value = float(value)
    return None if np.isnan(value) else value


def ece(y, p):
    """15 equal-width bins of the top probability, bin b = (b/15, (b+1)/15], 0 in the first bin."""
    predicted = p.argmax(axis=1)
    confidence = p.max(axis=1)
    bins = np.clip(np.ceil(confidence * CALIBRATION_BINS) - 1, 0, CALIBRATION_BINS - 1).astype(int)
    total = 0.0
    for b in range(CALIBRATION_BINS):
        inside = bins == b
        if inside.any():
            accuracy = np.mean(predicted[inside] == y[inside])
            total += inside.sum() / len(y) * abs(accuracy - confidence[inside].mean())
    return total


def case(name, description, y, p32):
    p = p32.astype(np.float64)
    k = p.shape[1]
    labels = list(range(k))
    predicted = p.argmax(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # absent classes warn by design
        precision, recall, f1, support = metrics.precision_recall_fscore_support(
            y, predicted, labels=labels, zero_division=0)
        averages = {}
        for average in ("macro", "weighted"):
            ap, ar, af, _ = metrics.precision_recall_fscore_support(
                y, predicted, labels=labels, average=average, zero_division=0)
            averages[average] = (ap, ar, af)
        balanced = metrics.balanced_accuracy_score(y, predicted)
        roc = []
        average_precision = []
        for c in labels:
            positive = (y == c).astype(int)
            both = 0 < positive.sum() < len(y)
            roc.append(maybe(metrics.roc_auc_score(positive, p[:, c])) if both else None)
            average_precision.append(
                maybe(metrics.average_precision_score(positive, p[:, c]))
                if positive.sum() > 0 else None)
        defined_roc = [v for v in roc if v is not None]
        defined_ap = [v for v in average_precision if v is not None]
        present = sorted(set(y.tolist()))
        sklearn_ovr = None
        if k > 2 and len(present) == k:
            sklearn_ovr = float(metrics.roc_auc_score(
                y, p, multi_class="ovr", average="macro", labels=labels))
        elif k == 2 and len(present) == 2:
            sklearn_ovr = float(metrics.roc_auc_score(y, p[:, 1]))
        binary_brier = float(metrics.brier_score_loss(y, p[:, 1])) if k == 2 else None
        document = {
            "description": description,
            "sklearn": sklearn.__version__,
            "classes": k,
            "actual": y.tolist(),
            "probabilities": p.tolist(),
            "predicted": predicted.tolist(),
            "accuracy": float(metrics.accuracy_score(y, predicted)),
            "balancedAccuracy": float(balanced),
            "precision": precision.tolist(),
            "recall": recall.tolist(),
            "f1": f1.tolist(),
            "support": support.tolist(),
            "macroPrecision": float(averages["macro"][0]),
            "macroRecall": float(averages["macro"][1]),
            "macroF1": float(averages["macro"][2]),
            "weightedPrecision": float(averages["weighted"][0]),
            "weightedRecall": float(averages["weighted"][1]),
            "weightedF1": float(averages["weighted"][2]),
            "confusionMatrix": metrics.confusion_matrix(y, predicted, labels=labels).tolist(),
            "logLoss": float(metrics.log_loss(y, p, labels=labels)),
            "brier": float(np.mean(np.sum((p - np.eye(k)[y]) ** 2, axis=1))),
            "sklearnBinaryBrier": binary_brier,
            "rocAuc": roc,
            "averagePrecision": average_precision,
            "macroRocAuc": float(np.mean(defined_roc)) if defined_roc else None,
            "macroAveragePrecision": float(np.mean(defined_ap)) if defined_ap else None,
            "sklearnOvrMacroRocAuc": sklearn_ovr,
            "expectedCalibrationError": float(ece(y, p)),
        }
        with open(os.path.join(OUT, name + ".json"), "w") as out:
            json.dump(document, out, indent=1)
            out.write("\n")


def probabilities(rng, y, k, skill):
    """Dirichlet rows pulled toward the actual class by skill, as float32."""
    p = rng.dirichlet(np.ones(k), size=len(y))
    p = (1 - skill) * p + skill * np.eye(k)[y] * rng.uniform(0.2, 1.0, size=(len(y), 1))
    p = p / p.sum(axis=1, keepdims=True)
    return p.astype(np.float32)


def main():
    if not sklearn.__version__.startswith("1.2."):
        sys.exit("scikit-learn 1.2.x expected, found " + sklearn.__version__)
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.RandomState(18)

    y = rng.randint(0, 2, size=40)
    case("binary", "two classes, 40 examples", y, probabilities(rng, y, 2, 0.4))

    y = rng.randint(0, 4, size=60)
    case("multiclass", "four classes, 60 examples", y, probabilities(rng, y, 4, 0.5))

    y = rng.randint(0, 3, size=45)
    p = probabilities(rng, y, 3, 0.3).astype(np.float64)
    p[:, 2] *= 0.05  # class 2 occurs but is never the most probable
    p = (p / p.sum(axis=1, keepdims=True)).astype(np.float32)
    case("absent-from-predictions", "class 2 is never predicted", y, p)

    y = rng.randint(0, 3, size=45)  # class 3 of 4 never occurs
    case("absent-from-actual", "class 3 of 4 never occurs", y, probabilities(rng, y, 4, 0.5))

    # rows from a few exactly representable vectors: many tied scores, and argmax ties
    rows = np.array([[0.5, 0.25, 0.25], [0.25, 0.5, 0.25], [0.5, 0.5, 0.0],
                     [0.375, 0.375, 0.25], [0.25, 0.25, 0.5], [0.125, 0.125, 0.75],
                     [1.0, 0.0, 0.0]], dtype=np.float32)
    y = rng.randint(0, 3, size=50)
    case("ties", "tied probabilities within and across rows", y, rows[rng.randint(0, 7, size=50)])


if __name__ == "__main__":
    main()
