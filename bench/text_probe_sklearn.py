#!/usr/bin/env python3
"""scikit-learn beside streamtune's text heads, on exactly the same SpamAssassin split.

Run `./mvnw -B -o -pl model -am test -Dtest=SpamAssassinProbeTest -Dsurefire.failIfNoSpecifiedTests=false`
first: it writes model/target/text-probe/split.jsonl.gz (reduced Subject + body texts, holdout and training
rows in the test's order) and minilm-float32-le-384.bin (the MiniLM embeddings the Java probe used).
This script then fits scikit-learn's LogisticRegression on the same MiniLM embeddings and a TfidfVectorizer
(word 1-2-grams, sublinear tf) on the same texts, with C chosen on the same kind of 20% stratified
validation slice, and prints macro F1 on the 2,000-e-mail holdout for 250/500/1000/2000 training e-mails.
Needs Debian's python3-sklearn (a test-time peer only).
"""
import gzip
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

ROOT = Path(__file__).resolve().parent.parent
DIR = ROOT / "model" / "target" / "text-probe"
CURVE = [250, 500, 1000, 2000]
# the Java grid: l2 from 1e-1 to 1e-7 in half-decades. The Java head has one weight vector per class;
# binary LogisticRegression has one, so the same optimum needs C = 2 / (l2 * n_train).
L2_GRID = [1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6, 3e-7, 1e-7]


def load():
    rows = [json.loads(line) for line in gzip.open(DIR / "split.jsonl.gz", "rt", encoding="utf-8")]
    vectors = np.fromfile(DIR / "minilm-float32-le-384.bin", dtype="<f4").reshape(len(rows), 384)
    holdout = [i for i, r in enumerate(rows) if r["role"] == "holdout"]
    train = [i for i, r in enumerate(rows) if r["role"] == "train"]
    texts = [r["text"] for r in rows]
    labels = np.array([r["label"] for r in rows])
    return texts, labels, vectors, holdout, train


def tuned(features, y, make, seed=17):
    """C chosen on a 20% stratified validation slice, then refit on all rows."""
    a, v, ya, yv = train_test_split(features, y, test_size=0.2, stratify=y, random_state=seed)
    best = None
    for l2 in L2_GRID:
        c = 2.0 / (l2 * a.shape[0])
        f1 = f1_score(yv, make(c).fit(a, ya).predict(v), average="macro")
        if best is None or f1 > best[0]:
            best = (f1, l2)
    return make(2.0 / (best[1] * features.shape[0])).fit(features, y), best[1]


def main():
    if not (DIR / "split.jsonl.gz").exists():
        sys.exit(f"{DIR}/split.jsonl.gz is missing: run SpamAssassinProbeTest first")
    texts, labels, vectors, holdout, train = load()
    lr = lambda c: LogisticRegression(C=c, max_iter=5000)
    hy = labels[holdout]
    print("scikit-learn", __import__("sklearn").__version__, "on the Java test's split; macro F1 on",
          len(holdout), "holdout e-mails")
    print("train  MiniLM tuned (l2)   MiniLM C=1  TF-IDF tuned (l2)  hashed TF-IDF tuned (l2)")
    for n in CURVE:
        rows = train[:n]
        y = labels[rows]
        probe, probe_l2 = tuned(vectors[rows], y, lr)
        f1_probe = f1_score(hy, probe.predict(vectors[holdout]), average="macro")
        f1_default = f1_score(hy, lr(1.0).fit(vectors[rows], y).predict(vectors[holdout]), average="macro")

        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        a = vec.fit_transform([texts[i] for i in rows])
        tfidf, tfidf_l2 = tuned(a, y, lr)
        f1_tfidf = f1_score(hy, tfidf.predict(vec.transform([texts[i] for i in holdout])), average="macro")

        hashing = HashingVectorizer(n_features=2**18, ngram_range=(1, 2), alternate_sign=False, norm=None)
        idf = TfidfTransformer(sublinear_tf=True)
        ha = idf.fit_transform(hashing.transform([texts[i] for i in rows]))
        hashed, hashed_l2 = tuned(ha, y, lr)
        f1_hashed = f1_score(
            hy, hashed.predict(idf.transform(hashing.transform([texts[i] for i in holdout]))), average="macro")
        print(f"{n:5d}  {f1_probe:.4f} ({probe_l2:.0e})    {f1_default:.4f}      "
              f"{f1_tfidf:.4f} ({tfidf_l2:.0e})    {f1_hashed:.4f} ({hashed_l2:.0e})")


if __name__ == "__main__":
    main()
