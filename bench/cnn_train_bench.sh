#!/usr/bin/env bash
# SmallCnn training speed, DJL (streamtune's ImageClassifierFineTuner/RoundLoop) vs Debian PyTorch 1.13,
# side by side in one run (docs/benchmarks.md, "Image CNN training speed").
#   bench/cnn_train_bench.sh [rounds] [threads,...] [images]     defaults: 12 rounds, 1,2 threads, 1920 images (30 steps per timed epoch)
# Env: TORCH_MEMORY_FORMAT=contiguous|channels_last (PyTorch side's layout; default contiguous, PyTorch's
#      default; the DJL side trains channels-last), PYTHON (default /usr/bin/python3), JFR=file.jfr to record the JVM with Java Flight Recorder,
#      DATA (default ../shared/datasets/fashion-mnist), DJL_PYTORCH=0.36.0/2.7.1 to run the DJL side on another
#      DJL / libtorch release (bench/lib.sh, bench_djl_swap; the build itself pins 0.36.0/2.7.1).
# Needs Debian python3-torch, python3-numpy, libopenblas0-pthread.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-12}"
threads="${2:-1,2}"
images="${3:-1920}"
py="${PYTHON:-/usr/bin/python3}"
data="${DATA:-$root/../shared/datasets/fashion-mnist}"
cd "$root"
# Debian's torch takes its matrix products from whatever libblas.so.3 the alternatives name: with the
# reference BLAS (libblas3 alone) the PyTorch side ran 3x slower (899 vs 1,931 samples/s at 1 thread,
# 2026-12-06), which would flatter DJL.
if ! ls /usr/lib/*-linux-gnu/openblas-*/libblas.so.3 >/dev/null 2>&1; then
  echo "warning: no OpenBLAS (apt-get install libopenblas0-pthread): the PyTorch side uses the reference BLAS" >&2
fi
source "$root/bench/lib.sh"
bench_training_malloc
cp="$(bench_djl_swap "$(bench_classpath model)")"
cache="$root/model/target/djl-cache${DJL_PYTORCH:+-${DJL_PYTORCH//\//-}}"
jfr=""
if [[ -n "${JFR:-}" ]]; then
  jfr="-XX:StartFlightRecording=filename=$JFR,settings=profile,dumponexit=true"
fi
java="java -Xmx2g -Dai.djl.offline=true -DDJL_CACHE_DIR=$cache \
  -DENGINE_CACHE_DIR=$cache -Dai.djl.pytorch.num_interop_threads=1 \
  -Djava.io.tmpdir=$root/model/target $jfr \
  -cp model/target/test-classes:model/target/classes:$cp \
  io.streamtune.model.image.bench.CnnTrainBenchmark"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(java -version 2>&1 | head -1);" \
  "DJL/libtorch ${DJL_PYTORCH:-0.36.0/2.7.1 (as built)};" \
  "$(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg);" \
  "malloc: MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-dynamic} MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-dynamic} MALLOC_TOP_PAD_=${MALLOC_TOP_PAD_:-default}"
"$py" bench/cnn_train_torch.py --java "$java" --data "$data" --images "$images" \
  --threads "$threads" --rounds "$rounds" --torch-memory-format "${TORCH_MEMORY_FORMAT:-contiguous}" --log "$root/model/target/cnn-train-bench-java.log"
