#!/usr/bin/env bash
# Freshness of the served model in the prequential demo: for each record a version trained on, the
# time from its request to the first prediction served by that version (or a later one), p50/p95,
# with the label delay, the preprocessing checkpoint, the round, the gate and the hot-swap in it.
# Runs `./streamtune demo --feedback` (bundled credit data, tabular MLP, CPU) `repeats` times, with
# and without a concept change halfway, and prints the freshness, recovery and reconciliation lines.
#   bench/feedback_freshness.sh [repeats] [rate]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeats="${1:-3}"
rate="${2:-150}"
cd "$root"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(date -u +%F)"
for run in $(seq 1 "$repeats"); do
  for drift in 0 2200; do
    log="$(mktemp)"
    start=$(date +%s)
    ./streamtune demo --feedback --rate "$rate" --drift-at "$drift" >"$log" 2>&1
    end=$(date +%s)
    echo "run $run, drift-at $drift, $((end - start)) s:"
    grep -E '^(freshness|recovery|reconciliation) \|' "$log" | sed 's/^/  /'
    rm -f "$log"
  done
done
