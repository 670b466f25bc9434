#!/usr/bin/env bash
# Proves the GPU path on a machine with an NVIDIA GPU and a JDK 17: trains the image pipeline's SmallCnn
# (ImageClassifierFineTuner, batch 64) and fully fine-tunes all-MiniLM-L6-v2 (BertFineTuner, batch 16) for a few
# steps on the GPU, then the same on the CPU, and prints the libtorch flavor that loaded and samples/s of
# each with the CPU figure beside it (io.streamtune.model.bench.GpuCheck in model's test sources).
#   bench/gpu_check.sh                        GPU, then CPU
#   GPU_CHECK_DEVICE=cpu bench/gpu_check.sh   CPU only, bundled CPU natives, offline (no GPU checked)
# Exit status: 0 trained on the GPU; 3 DJL fell back to the CPU (no GPU seen, or arrays not on it);
# 4 the PyTorch engine did not load (e.g. the download failed); 2 usage.
#
# Environment (keys from DJL's "Engine Configuration" page, docs.djl.ai, serving/docs/configurations.md;
# all are env vars or system properties):
#   PYTORCH_FLAVOR        default cu128: the libtorch build DJL loads
#   PYTORCH_VERSION       default 2.7.1: the libtorch this DJL's JNI (pytorch-jni 2.7.1-0.36.0) is built for
#   PYTORCH_LIBRARY_PATH  unset (online): DJL downloads PYTORCH_FLAVOR once from publish.djl.ai (~2-3 GB)
#                         into DJL_CACHE_DIR; needs network on the first run, later runs use the cache.
#                         set (offline): a folder with a libtorch 2.7.1+cu128 (pip torch==2.7.1+cu128's
#                         .../site-packages/torch/lib, or lib/ of libtorch-cxx11-abi-shared-with-deps-2.7.1+cu128.zip);
#                         DJL loads it as it is and downloads nothing.
#   DJL_CACHE_DIR         where DJL keeps downloaded natives and its JNI library; ENGINE_CACHE_DIR follows it.
#                         Default: ~/.djl.ai (DJL's own default) on gpu, model/target/djl-cache on cpu.
#   GPU_CHECK_DEVICE      gpu (default) or cpu
#   GPU_CHECK_CNN_STEPS   default 50;  GPU_CHECK_MINILM_STEPS default 5;  GPU_CHECK_MINILM_TOKENS default 128
#   THREADS               PyTorch CPU threads (default: nproc)
# DJL logs at INFO (which natives it found, what it downloads) between the gpu_check lines.
# DJL is not put in offline mode on gpu (DJL_OFFLINE=false), and the pytorch-native-cpu jar is left off the
# classpath there: DJL 0.36 takes bundled natives from the classpath before it reads PYTORCH_FLAVOR
# (PYTORCH_VERSION 2.7.1 matches the jar's 2.7.1-20250812), so with the jar it would load the CPU build.
# Needs Maven's dependencies once (./mvnw downloads them if ~/.m2 lacks them).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
device="${GPU_CHECK_DEVICE:-gpu}"
cnn_steps="${GPU_CHECK_CNN_STEPS:-50}"
minilm_steps="${GPU_CHECK_MINILM_STEPS:-5}"
minilm_tokens="${GPU_CHECK_MINILM_TOKENS:-128}"
threads="${THREADS:-$(nproc)}"
cd "$root"
source "$root/bench/lib.sh"
bench_training_malloc

case "$device" in
  gpu)
    export PYTORCH_FLAVOR="${PYTORCH_FLAVOR:-cu128}"
    export PYTORCH_VERSION="${PYTORCH_VERSION:-2.7.1}"
    export DJL_OFFLINE=false
    export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$HOME/.djl.ai}"
    offline=false
    ;;
  cpu)
    # the natives bundled in the pytorch-native-cpu jar, as the tests and the CPU image run
    unset PYTORCH_FLAVOR PYTORCH_VERSION PYTORCH_LIBRARY_PATH
    export DJL_OFFLINE=true
    export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$root/model/target/djl-cache}"
    offline=true
    ;;
  *) echo "GPU_CHECK_DEVICE must be gpu or cpu, got '$device'" >&2; exit 2 ;;
esac
export ENGINE_CACHE_DIR="${ENGINE_CACHE_DIR:-$DJL_CACHE_DIR}"

# model's test classpath from one reactor build (sibling modules as target/classes); offline first,
# online where ~/.m2 lacks something
build=(-B -q -pl model -am test-compile dependency:build-classpath
  -Dmdep.outputFile=target/gpu-check-classpath.txt -Dmdep.includeScope=test)
./mvnw -o "${build[@]}" >/dev/null 2>&1 || ./mvnw "${build[@]}" >&2
cp="$(cat model/target/gpu-check-classpath.txt)"
if [[ "$device" == gpu ]]; then
  cp="$(echo "$cp" | tr ':' '\n' | grep -v '/pytorch-native-cpu-' | paste -sd:)"
fi

echo "gpu_check: $(nproc) cores, $(java -version 2>&1 | head -1); $(date -u '+%Y-%m-%d %H:%M UTC');" \
  "device $device; $(command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -1 || echo 'no nvidia-smi')"
exec java -Xmx2g -Dai.djl.offline="$offline" \
  -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
  -Dorg.apache.logging.log4j.level=INFO -Djava.io.tmpdir="$root/model/target" \
  -cp "model/target/test-classes:model/target/classes:$cp" \
  io.streamtune.model.bench.GpuCheck "$device" "$cnn_steps" "$minilm_steps" "$minilm_tokens"
