#!/usr/bin/env bash
# Cost as the work grows (issue 23): the preprocessing job's records/s and the JVM's peak resident
# memory at each record count (PreprocessBenchmark: embedded broker + registry + Flink MiniCluster in
# one JVM, lending_club replayed; run 1 cold, the last run warm), then the evaluator's bootstrap time
# by holdout size (BootstrapBenchmark: 1k, 10k, 100k).
#   bench/growth.sh [record counts, default "100000 1000000"] [runs per count, default 2] [parallelism, default 2]
# 10M records: GROWTH_PARTS=job bench/growth.sh 10000000 1 (producing first, then the run; about
# 1 KB of broker data per record and run, on GROWTH_TMP's disk, removed at the end).
# Progress lines (produce / job, with rate and ETA) go to stderr; the table to stdout.
# Env: LENDING_CSV (default ../shared/datasets/tabular/lending_club.csv), XMX (default 4g),
# GROWTH_PARTS (default "job trainer evaluator"), GROWTH_TMP (default /tmp; the broker's data).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
counts="${1:-100000 1000000}"
runs="${2:-2}"
parallelism="${3:-2}"
csv="${LENDING_CSV:-../shared/datasets/tabular/lending_club.csv}"
[ -f "$csv" ] || { echo "lending_club.csv not found at $csv (set LENDING_CSV)"; exit 1; }
mvn_opts=(-B -q -o ${MAVEN_REPO:+-Dmaven.repo.local=$MAVEN_REPO})
./mvnw "${mvn_opts[@]}" -DskipTests package -pl launcher -am >&2
./mvnw "${mvn_opts[@]}" test-compile -pl model,launcher >&2

parts="${GROWTH_PARTS:-job trainer evaluator}"
spec="$(mktemp --suffix=.yaml)"
# the benchmark's broker writes under java.io.tmpdir; removed whatever happens
data_root="$(mktemp -d "${GROWTH_TMP:-/tmp}/streamtune-growth.XXXXXX")"
trap 'rm -f "$spec"; rm -rf "$data_root"' EXIT
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_lending_spec "$spec"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "| records | cold run records/s | warm (last) run records/s | records per JVM CPU s (warm) | peak RSS | after |"
echo "|---|---|---|---|---|---|"
for n in $counts; do
  [[ " $parts " == *" job "* ]] || break
  # raw topic + examples + transaction markers: under 1 KB per record and run (1.8 GB after 1M, 2 runs)
  need_kb=$((n * (runs + 1))) free_kb=$(df -Pk "$data_root" | awk 'NR==2{print $4}')
  if ((free_kb < need_kb)); then
    echo "| $n | skipped: needs about $((need_kb >> 20)) GiB free for the broker, $((free_kb >> 20)) GiB on $data_root |"
    continue
  fi
  log="$(mktemp)"
  /usr/bin/time -f "maxrss_kb=%M" java -Xmx"${XMX:-4g}" -Djava.io.tmpdir="$data_root" \
    -Dlog4j2.configurationFile=streamtune-log4j2.xml \
    --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
    -cp "launcher/target/test-classes:launcher/target/streamtune-launcher-0.1.0-SNAPSHOT.jar:$(cat launcher/target/classpath.txt)" \
    io.streamtune.launcher.bench.PreprocessBenchmark "$csv" "$spec" "$n" "$runs" "$parallelism" 2>&1 \
    | tee "$log" | grep --line-buffered -E '^(produce|job|run |broker)' >&2 \
    || true
  if ! grep -q '^maxrss_kb=' "$log" || ! grep -q "^run $runs:" "$log"; then
    echo "| $n | failed: $(grep -v '^\(produce\|job\)' "$log" | tail -3 | tr '\n' ' ') |"
    continue
  fi
  cold=$(grep -m1 '^run 1:' "$log" | sed -E 's/.*= ([0-9,]+) records\/s.*/\1/')
  warm=$(grep -E '^run [0-9]+:' "$log" | tail -1 | sed -E 's/.*= ([0-9,]+) records\/s.*/\1/')
  per_cpu=$(grep -E '^run [0-9]+:' "$log" | tail -1 | sed -E 's/.*= ([0-9,]+) records per CPU second.*/\1/')
  rss=$(grep -o 'maxrss_kb=[0-9]*' "$log" | cut -d= -f2)
  echo "| $n | $cold | $warm | $per_cpu | $((rss / 1024)) MiB | load average $(cut -d' ' -f1-3 /proc/loadavg) |"
  rm -f "$log"
done
if [[ " $parts " == *" trainer "* ]]; then
echo
echo "trainer (RoundGrowthBenchmark: one full default-MLP round, 30 features, by buffer size; round 1 and 2):"
./mvnw "${mvn_opts[@]}" test-compile -pl trainer >&2
./mvnw "${mvn_opts[@]}" dependency:build-classpath -pl trainer -Dmdep.includeScope=test \
  -Dmdep.outputFile="$root/trainer/target/bench-classpath.txt" >&2
MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=134217728 \
  java -Xmx3g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$(nproc)" \
  -cp "trainer/target/test-classes:trainer/target/classes:$(cat trainer/target/bench-classpath.txt)" \
  io.streamtune.trainer.bench.RoundGrowthBenchmark ${TRAINER_BUFFERS:-1000 10000 100000} 2>/dev/null | grep '^RESULT'
fi
if [[ " $parts " == *" evaluator "* ]]; then
echo
echo "evaluator (BootstrapBenchmark, 1,000 resamples, by holdout size):"
java -cp "model/target/classes:model/target/test-classes:$(cat launcher/target/classpath.txt)" \
  io.streamtune.model.metrics.BootstrapBenchmark
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
