#!/usr/bin/env bash
# Cold start of `./streamtune demo`: seconds from starting the command (after the build) to its first
# line and to its first `version` line (and the CPU seconds of the whole run, which stops right after
# it: steadier than wall time on a shared machine), each run a fresh JVM, alternating three ways:
# "before" (STREAMTUNE_CDS=off STREAMTUNE_JIT=full: the launcher before issue 23), "cds" (the
# class-data archive, full JIT) and "now" (the launcher's defaults: archive and C1 only for demo).
# The archive is written first (timed: part of the build).
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

cpu_file="$(mktemp)"
trap 'rm -f "$cpu_file"' EXIT
one_run() { # prints: seconds to the first line, to the first version line, CPU seconds of the run
  local begin first="" version=""
  begin=$(date +%s.%N)
  while IFS= read -r line; do
    now=$(date +%s.%N)
    [ -n "$first" ] || first=$(echo "$now - $begin" | bc)
    if [[ -z "$version" && "$line" == version* ]]; then version=$(echo "$now - $begin" | bc); fi
  done < <(env $2 /usr/bin/time -o "$cpu_file" -f "%U %S" ./streamtune demo "${demo_args[@]}" 2>/dev/null)
  printf "%.1f %.1f %.1f\n" "${first:-0}" "${version:-0}" "$(tail -1 "$cpu_file" | awk '{print $1 + $2}')"
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "| run | launcher | s to first line | s to first version line | CPU s of the whole run (user + sys) |"
echo "|---|---|---|---|---|"
for i in $(seq 1 "$runs"); do
  for mode in before cds now; do
    case "$mode" in
      before) settings="STREAMTUNE_CDS=off STREAMTUNE_JIT=full" ;;
      cds) settings="STREAMTUNE_CDS=on STREAMTUNE_JIT=full" ;;
      now) settings="STREAMTUNE_CDS=on STREAMTUNE_JIT=quick" ;;
    esac
    read -r first version cpu < <(one_run "$mode" "$settings")
    echo "| $i | $mode | $first | $version | $cpu |"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
