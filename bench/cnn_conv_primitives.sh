#!/usr/bin/env bash
# Per-primitive oneDNN times of SmallCnn training at 1 thread: DJL (libtorch 2.7.1, oneDNN 3.7) beside
# Debian's PyTorch 1.13 (oneDNN 2.6), NCHW and channels-last (docs/benchmarks.md, "Where the 1-thread
# gap is"). Each side trains 4 epochs of 30 steps with oneDNN's verbose log on; the table sums the last
# epoch's convolutions and reorders, in ms per training step. Verbose logging slows both sides a little.
#   bench/cnn_conv_primitives.sh [images=1920]       DJL_PYTORCH=0.33.0/2.5.1: DJL side on that release (bench/lib.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
images="${1:-1920}"
py="${PYTHON:-/usr/bin/python3}"
data="${DATA:-$root/../shared/datasets/fashion-mnist}"
cd "$root"
source "$root/bench/lib.sh"
bench_training_malloc
cp="$(bench_djl_swap "$(bench_classpath model)")"
cache="$root/model/target/djl-cache${DJL_PYTORCH:+-${DJL_PYTORCH//\//-}}"
logs="$root/model/target/conv-primitives"
mkdir -p "$logs"
steps=$(((images + 63) / 64))

# Sums the last epoch's exec lines (field layout differs between oneDNN 2.6 and 3.x: from the end, the
# time is the last field and the problem the one before; kind and implementation follow "cpu").
summarise() {
  grep -E '^onednn_verbose,([a-z0-9.]+,)?(primitive,)?exec,cpu,' "$1" | tail -n "$2" | awk -F, -v steps="$3" '
    { for (i = 1; i <= NF; i++) if ($i == "cpu") { kind = $(i + 1); impl = $(i + 2); prop = $(i + 3); break }
      key = sprintf("%-12s %-16s %-45s %s", kind, prop, impl, $(NF - 1)); t[key] += $NF; total += $NF }
    END { for (k in t) printf "  %6.2f ms/step  %s\n", t[k] / steps, k; printf "  %6.2f ms/step  all oneDNN primitives\n", total / steps }' \
    | sort -rn
}

echo "machine: $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'run\nrun\nrun\nrun\nquit\n' | ONEDNN_VERBOSE=profile_exec OMP_NUM_THREADS=1 java -Xmx2g \
  -Dai.djl.offline=true -DDJL_CACHE_DIR="$cache" -DENGINE_CACHE_DIR="$cache" \
  -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.pytorch.num_threads=1 -Djava.io.tmpdir="$root/model/target" \
  -cp "model/target/test-classes:model/target/classes:$cp" io.streamtune.model.image.bench.CnnTrainBenchmark \
  "$data" "$images" 64 > "$logs/djl.log" 2> "$logs/djl.err"
per_epoch=$(($(grep -cE '^onednn_verbose,([a-z0-9.]+,)?primitive,exec' "$logs/djl.log") / 4))
echo "== DJL ${DJL_PYTORCH:-0.36.0/2.7.1} (channels-last, as the trainer runs it); epochs (s): $(grep '^@@ run' "$logs/djl.log" | awk '{printf "%.3f ", $3}')"
summarise "$logs/djl.log" "$per_epoch" "$steps"
for fmt in contiguous channels_last; do
  DNNL_VERBOSE=1 "$py" bench/cnn_conv_primitives_torch.py --data "$data" --images "$images" \
    --memory-format "$fmt" > "$logs/torch-$fmt.log" 2>&1
  per_epoch=$(($(grep -cE '^onednn_verbose,exec' "$logs/torch-$fmt.log") / 4))
  echo "== PyTorch 1.13 ($fmt); epochs (s): $(grep '^@@ epoch' "$logs/torch-$fmt.log" | awk '{printf "%s ", $3}')"
  summarise "$logs/torch-$fmt.log" "$per_epoch" "$steps"
done
