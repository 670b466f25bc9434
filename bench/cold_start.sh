#!/usr/bin/env bash
# Cold start of `./streamtune demo`: seconds from starting the command (after the build) to its first
# line and to its first `version` line, each run a fresh JVM, with and without the class-data archive
# (STREAMTUNE_CDS=off), alternating. The archive is written first (timed: part of the build).
#   bench/cold_start.sh [runs=3] [demo args...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:-3}"
shift || true
demo_args=("$@")
[ ${#demo_args[@]} -gt 0 ] || demo_args=(--versions 1)

rm -f launcher/target/streamtune-cds.jsa
start=$(date +%s.%N)
./streamtune --help > /dev/null # builds if needed, then writes the archive
echo "archive written in $(echo "$(date +%s.%N) - $start" | bc) s (build already done):" \
  "$(du -h launcher/target/streamtune-cds.jsa | cut -f1)"

one_run() { # prints: seconds to the first line, seconds to the first version line
  local begin first="" version=""
  begin=$(date +%s.%N)
  while IFS= read -r line; do
    now=$(date +%s.%N)
    [ -n "$first" ] || first=$(echo "$now - $begin" | bc)
    if [[ -z "$version" && "$line" == version* ]]; then version=$(echo "$now - $begin" | bc); fi
  done < <(STREAMTUNE_CDS="$1" ./streamtune demo "${demo_args[@]}" 2>/dev/null)
  printf '%.1f %.1f\n' "$first" "$version"
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "| run | CDS | s to first line | s to first version line |"
echo "|---|---|---|---|"
for i in $(seq 1 "$runs"); do
  for cds in off on; do
    read -r first version < <(one_run "$cds")
    echo "| $i | $cds | $first | $version |"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
