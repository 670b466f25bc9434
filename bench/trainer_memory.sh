#!/usr/bin/env bash
# Trainer memory over many rounds (docs/benchmarks.md, "Trainer memory over 50 rounds"): the real
# TrainerService (image modality, MNIST backbone, partial fine-tuning) against the embedded broker
# and schema registry in one JVM; RSS (VmRSS), heap used after GC and direct buffers per round.
#   bench/trainer_memory.sh [rounds] [per-round] [buffer] [epochs] [threads]
#   defaults: 50 rounds, 100 new Fashion-MNIST images per round, buffer 1000 (full at round 10),
#             2 epochs, 1 thread
# Env: DATA (default ../shared/datasets/fashion-mnist), JAVA_OPTS (e.g. a native-memory setting),
#      JFR=file.jfr to record the JVM.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-50}"
per_round="${2:-100}"
buffer="${3:-1000}"
epochs="${4:-2}"
threads="${5:-1}"
data="${DATA:-$root/../shared/datasets/fashion-mnist}"
cd "$root"
source "$root/bench/lib.sh"
bench_training_malloc
cp="$(bench_classpath trainer)"
jfr=()
if [[ -n "${JFR:-}" ]]; then
  jfr=("-XX:StartFlightRecording=filename=$JFR,settings=profile,dumponexit=true")
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(java -version 2>&1 | head -1);" \
  "$(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg);" \
  "malloc: MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-dynamic} MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-dynamic} MALLOC_TOP_PAD_=${MALLOC_TOP_PAD_:-default}"
log="$root/trainer/target/trainer-memory.log"
# shellcheck disable=SC2086
OMP_NUM_THREADS="$threads" java -Xmx1g ${JAVA_OPTS:-} "${jfr[@]}" -Dai.djl.offline=true \
  -DDJL_CACHE_DIR="$root/trainer/target/djl-cache" -DENGINE_CACHE_DIR="$root/trainer/target/djl-cache" \
  -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
  -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.streamtune -Djava.io.tmpdir="$root/trainer/target" \
  -Dlog4j2.configurationFile=streamtune-test-log4j2.xml \
  -cp "trainer/target/test-classes:trainer/target/classes:$cp" \
  io.streamtune.trainer.bench.TrainerMemoryBenchmark "$data" "$rounds" "$per_round" "$buffer" \
  "$epochs" "$threads" 2> >(cat >"$log")
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); trainer log: $log"
