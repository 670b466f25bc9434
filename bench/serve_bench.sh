#!/usr/bin/env bash
# Serving speed and memory (docs/benchmarks.md, "Serving"): the champion scored in a plain loop
# (ServingModel.predict), then ServeService on the embedded broker and registry in one JVM, fed
# requests at a fixed rate; throughput, p99 latencies, heap after GC every 100k requests.
#   bench/serve_bench.sh [requests] [rate] [plain-loop requests]
#   defaults: 1000000 requests at 2000 requests/s, 100000 in the plain loop
# Env: M2 (a Maven repository, -Dmaven.repo.local), JAVA_OPTS (e.g. -Xmx), THREADS (PyTorch, 1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requests="${1:-1000000}"
rate="${2:-2000}"
loop="${3:-100000}"
threads="${THREADS:-1}"
cd "$root"
source "$root/bench/lib.sh"
bench_training_malloc
repo=()
if [[ -n "${M2:-}" ]]; then
  repo=("-Dmaven.repo.local=$M2")
fi
# the upstream modules as installed (./mvnw install -DskipTests); serve's own test classes built here
./mvnw -B -q -o "${repo[@]}" -pl serve test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
cp="$(cat serve/target/bench-classpath.txt)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(java -version 2>&1 | head -1);" \
  "$(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: bench/serve_bench.sh $requests $rate $loop"
log="$root/serve/target/serve-bench.log"
# shellcheck disable=SC2086
java -Xmx1g ${JAVA_OPTS:-} -Dai.djl.offline=true \
  -DDJL_CACHE_DIR="$root/serve/target/djl-cache" -DENGINE_CACHE_DIR="$root/serve/target/djl-cache" \
  -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
  -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.streamtune -Djava.io.tmpdir="$root/serve/target" \
  -Dlog4j2.configurationFile=streamtune-test-log4j2.xml \
  -cp "serve/target/test-classes:serve/target/classes:$cp" \
  io.streamtune.serve.ServeBenchmark "$requests" "$rate" "$loop" 2>&1 | tee "$log" \
  | grep -Ev '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} '

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); service log: $log"
