#!/usr/bin/env bash
# Gradient-boosted trees on credit_data: streamtune's backbone gbt (xgboost4j, through the trainer's own
# ModelTrainer and StoreModelLoader) vs scikit-learn 1.2.1 HistGradientBoostingClassifier on the same
# prepared split, with the MLP for context (docs/benchmarks.md, "Gradient-boosted trees (issue 18)").
#   bench/gbt_vs_sklearn.sh [repeats] [threads] [memory rounds]     defaults: 3, 1, 60
# threads: XGBoost's training threads (the trainer's trainer.threads) and scikit-learn's OpenMP threads
# (OMP_NUM_THREADS), so both sides fit on as many; a loaded gbt version scores on one thread. One
# thread by default: on a shared machine OpenMP workers that wait for a busy core spin, and the
# wall times of 2 threads spread 1-16 s (CPU times are reported too: they hardly depend on the load).
# memory rounds: gbt rounds on one trainer afterwards, printing the resident set (native memory freed).
# Then the refit-vs-warm-start replay (GbtWarmStartBenchmark) and the scikit-learn side.
# Env: PYTHON (default /usr/bin/python3, Debian's python3-sklearn and python3-pandas),
#      MAVEN_OPTS=-Dmaven.repo.local=... for the offline build's repository.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeats="${1:-3}"
threads="${2:-1}"
memory_rounds="${3:-60}"
py="${PYTHON:-/usr/bin/python3}"
cd "$root"
source "$root/bench/lib.sh"
cp="$(bench_classpath launcher)"
out="$root/trainer/target/gbt-bench"
rm -rf "$out" && mkdir -p "$out"
java_opts=(-Xmx2g -Dai.djl.offline=true "-DDJL_CACHE_DIR=$root/trainer/target/djl-cache"
  "-DENGINE_CACHE_DIR=$root/trainer/target/djl-cache" -Dai.djl.pytorch.num_threads="$threads"
  -Dai.djl.pytorch.num_interop_threads=1 "-Djava.io.tmpdir=$root/trainer/target")
classpath="trainer/target/test-classes:launcher/target/classes:$cp"
echo "machine: $(nproc) cores (shared), $(free -g | awk '/Mem/ {print $2}') GiB, $(java -version 2>&1 | head -1);" \
  "$(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
# the stream's transform: fitted on the train split only, holdout rows only transformed
java "${java_opts[@]}" -cp "$classpath" io.streamtune.launcher.StreamtuneCli prepare \
  --pipeline pipelines/credit.yaml --input data/credit_data.csv --output "$out/prepared.csv" --fit-on train
java "${java_opts[@]}" -cp "$classpath" io.streamtune.trainer.bench.GbtCreditBenchmark \
  "$out/prepared.csv" pipelines/credit.yaml "$out" "$repeats" "$threads" "$memory_rounds"
# why gbt refits each round: the train rows as a stream, a round every 500 (trainer.retrainEvery),
# refitted vs warm-started with 20 more iterations from the previous round's booster
java "${java_opts[@]}" -cp "$classpath" io.streamtune.trainer.bench.GbtWarmStartBenchmark \
  "$out/prepared.csv" pipelines/credit.yaml 500 20
OMP_NUM_THREADS="$threads" "$py" bench/gbt_sklearn.py --prepared "$out/prepared.csv" --classes good,bad --java-out "$out" \
  --repeats "$repeats" --json "$out/results.json"
