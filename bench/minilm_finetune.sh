#!/usr/bin/env bash
# all-MiniLM-L6-v2 fine-tuning benchmarks (docs/benchmarks.md, "Transformer fine-tuning").
#   bench/minilm_finetune.sh speed [steps] [threads]   DJL vs Debian PyTorch 1.13, full fine-tuning
#                                                      steps/s at batch 16 x 128, same weights;
#                                                      PROFILE_DIR=dir: then 2 profiled steps per side
#                                                      and self time per operator (bench/op_profile.py)
#   bench/minilm_finetune.sh f1 [N,N,...] [seeds] [first seed]  Amazon reviews macro F1: full fine-tuning vs
#                                                      frozen MiniLM probe vs TF-IDF + linear head
# Needs Debian python3-torch, python3-numpy; ../shared/datasets/reviews. CPU runs of `f1` take hours
# for N = 250..4000 x 4 seeds (a step at 16 x 128 tokens takes seconds on 2 cores).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-speed}"
py="${PYTHON:-/usr/bin/python3}"
threads="${THREADS:-$(nproc)}"
cd "$root"
source "$root/bench/lib.sh"
bench_training_malloc
cp="$(bench_classpath model)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
java_run() {
  java -Xmx6g -Dai.djl.offline=true -DDJL_CACHE_DIR="$root/model/target/djl-cache" \
    -DENGINE_CACHE_DIR="$root/model/target/djl-cache" -Dai.djl.pytorch.num_threads="$threads" \
    -Dai.djl.pytorch.num_interop_threads=1 -Djava.io.tmpdir="$root/model/target" \
    -cp "model/target/test-classes:model/target/classes:$cp" \
    io.streamtune.model.text.bert.bench.FineTuneBenchmark "$@"
}
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $threads threads; $(date -u +%Y-%m-%d)"
case "$mode" in
  speed)
    steps="${2:-10}"
    java_run speed "$work/minilm.stw" "$steps"
    OMP_NUM_THREADS="$threads" "$py" bench/minilm_torch_peer.py "$work/minilm.stw" "$steps" "$threads"
    if [[ -n "${PROFILE_DIR:-}" ]]; then
      "$py" bench/op_profile.py "$PROFILE_DIR/djl_trace.json" "$PROFILE_DIR/torch_ops.csv" 2
    fi
    ;;
  f1)
    ns="${2:-250,500,1000}"
    seeds="${3:-4}"
    first_seed="${4:-0}"
    for split in train test; do
      "$py" - "$root/../shared/datasets/reviews/amazon_reviews_$split.csv" "$work/$split.tsv" <<'PY'
import csv, re, sys
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for row in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
        text = re.sub(r"\s+", " ", row["review"].replace("<br />", " ")).strip()
        out.write(row["score"] + "\t" + text + "\n")
PY
    done
    java_run f1 "$work/train.tsv" "$work/test.tsv" "$ns" "$seeds" "$first_seed"
    ;;
  *) echo "mode must be speed or f1" >&2; exit 2 ;;
esac
