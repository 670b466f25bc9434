#!/usr/bin/env bash
# Cold start of `./streamtune demo`: seconds from starting the command (after the build) to its first
# line and to its first `version` line (and the CPU seconds of the whole run, which stops right after
# it: steadier than wall time on a shared machine), each run a fresh JVM, alternating three ways:
# "before" (STREAMTUNE_CDS=off STREAMTUNE_JIT=full: the launcher before issue 23), "cds" (the
# class-data archive, full JIT) and "now" (the launcher's defaults: archive and C1 only for demo).
# The archive is written first (timed: part of the build).
#   bench/cold_start.sh [runs=3] [demo args...]
# The preprocessing benchmark's first run: PreprocessBenchmark (lending_club replayed to N records,
# run 1 cold, run 2 warm, one fresh JVM each) started with the flags `./streamtune preprocess` uses
# (`./streamtune --java-opts preprocess`, the bench classes appended), alternating "before"
# (STREAMTUNE_CDS=off STREAMTUNE_JIT=full, Flink's RPC system loaded per MiniCluster) and "now"
# (the launcher's defaults):
#   bench/cold_start.sh --preprocess [runs=2] [records=1000000] [parallelism=2]
# BEFORE_JARS=<dir>: "before" also runs the preprocess-core and preprocess-job jars found there (the
# job as it was; build them from an older commit) in place of the current ones.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [[ "${1:-}" == --preprocess ]]; then
  runs="${2:-2}"
  records="${3:-1000000}"
  parallelism="${4:-2}"
  csv="${LENDING_CSV:-../shared/datasets/tabular/lending_club.csv}"
  [ -f "$csv" ] || { echo "lending_club.csv not found at $csv (set LENDING_CSV)"; exit 1; }
  ./streamtune --help > /dev/null # builds if needed, then writes the archive
  ./mvnw -B -q -o ${MAVEN_REPO:+-Dmaven.repo.local=$MAVEN_REPO} test-compile -pl launcher >&2
  spec="$(mktemp --suffix=.yaml)"
  data_root="$(mktemp -d)"
  trap 'rm -f "$spec"; rm -rf "$data_root"' EXIT
  # shellcheck source=bench/lib.sh
  source "$root/bench/lib.sh"
  bench_lending_spec "$spec"
  echo "parallelism $parallelism${BEFORE_JARS:+; before runs the job jars from $(basename "$BEFORE_JARS")}"
  echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "| run | launcher | run 1 s | run 1 JVM CPU s | run 1 phases | run 2 (warm) s | run 2 JVM CPU s | run 2 phases | load average before |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for i in $(seq 1 "$runs"); do
    for mode in before now; do
      case "$mode" in
        before) settings="STREAMTUNE_CDS=off STREAMTUNE_JIT=full STREAMTUNE_JAVA_OPTS=-Dstreamtune.flink.rpc.shared=false" ;;
        now) settings="STREAMTUNE_CDS=on" ;;
      esac
      mapfile -t opts < <(env $settings ./streamtune --java-opts preprocess)
      opts[-1]="${opts[-1]}:launcher/target/test-classes" # the class path: the archive's, then the bench
      if [[ "$mode" == before && -n "${BEFORE_JARS:-}" ]]; then
        for module in preprocess-core preprocess-job; do
          jar="streamtune-$module-0.1.0-SNAPSHOT.jar"
          opts[-1]="$(sed "s#[^:]*/$jar#$BEFORE_JARS/$jar#" <<<"${opts[-1]}")"
        done
      fi
      # the heap of bench/preprocessing.sh (broker, registry and job in one JVM), after the launcher's
      opts=("${opts[@]:0:${#opts[@]}-2}" -Xmx4g -Djava.io.tmpdir="$data_root" "${opts[@]: -2}")
      load="$(cut -d' ' -f1 /proc/loadavg)"
      log="$(java "${opts[@]}" \
        io.streamtune.launcher.bench.PreprocessBenchmark "$csv" "$spec" "$records" 2 "$parallelism" 2>&1 |
        grep -E '^parallelism [0-9]+ run [12]' | sed -E 's/^parallelism [0-9]+ //')"
      rm -rf "${data_root:?}"/*
      field() { grep -E "^run $1:" <<<"$log" | sed -E "s/.*$2.*/\1/"; }
      phases() { grep -E "^run $1 phases:" <<<"$log" | sed -E 's/^run [12] phases: //; s/MiniCluster started and job submitted after/MiniCluster + submit/; s/first output committed after/first commit/'; }
      echo "| $i | $mode | $(field 1 'in ([0-9.]+) s =') | $(field 1 'JVM CPU ([0-9.]+) s') | $(phases 1) | $(field 2 'in ([0-9.]+) s =') | $(field 2 'JVM CPU ([0-9.]+) s') | $(phases 2) | $load |"
    done
  done
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi
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
