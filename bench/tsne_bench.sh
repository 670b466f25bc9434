#!/usr/bin/env bash
# t-SNE for the dashboard map (issue 19): the Java Tsne (dashboard module) beside scikit-learn's
# TSNE on the same N points (ten Gaussian blobs in 50-D, default 2,000), same parameters
# (perplexity 30, init PCA, learning rate 'auto', 1,000 iterations, Barnes-Hut θ 0.5; the Java side
# also with θ = 0, the exact repulsion), R repeats each (default 3).
# scikit-learn runs twice: with its default OpenMP threads and with OMP_NUM_THREADS=1 (the Java
# side is single-threaded). Set MAVEN_REPO_LOCAL to build against another local Maven repository.
# Usage: bench/tsne_bench.sh [points] [repeats]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
points="${1:-2000}"
repeats="${2:-3}"
repo=()
[[ -n "${MAVEN_REPO_LOCAL:-}" ]] && repo=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL")

./mvnw -B -q -o "${repo[@]}" -pl dashboard test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
cp="dashboard/target/test-classes:dashboard/target/classes:$(cat dashboard/target/bench-classpath.txt)"
csv="$(mktemp --suffix=.csv)"
trap 'rm -f "$csv"' EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ); $points points, $repeats repeats"
echo "-- scikit-learn $(/usr/bin/python3 -c 'import sklearn; print(sklearn.__version__)'), default threads"
/usr/bin/python3 bench/tsne_sklearn.py "$csv" "$points" "$repeats"
echo "-- scikit-learn, OMP_NUM_THREADS=1"
OMP_NUM_THREADS=1 /usr/bin/python3 bench/tsne_sklearn.py "$csv" "$points" "$repeats"
echo "-- Java Tsne (1 thread; Barnes-Hut theta 0.5, then exact repulsion), $(java -version 2>&1 | head -1)"
java -Xmx1g -cp "$cp" io.streamtune.dashboard.projection.TsneBenchmark "$csv" "$repeats" 0.5,0
