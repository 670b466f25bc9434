#!/usr/bin/env bash
# Process-kill chaos on a real multi-process cluster (docs/reliability.md, "Chaos"): 3 KRaft brokers,
# the schema registry, a Flink JobManager and 2 TaskManagers, trainer, evaluator and serve, each its
# own JVM. `streamtune ingest` streams N generated credit rows (unique ids) at RATE records/s while a
# seeded killer SIGKILLs a process every few seconds (KILLS kills, every kind at least twice, brokers
# one at a time) and restarts it; then the topics and the model store are reconciled and the figures
# printed: records, kills by kind, lost, duplicated, recovery times (p50/max).
# The normal suite runs the short variant (ChaosProcessTest: 5,000 records, 4 kills).
# Usage: bench/chaos.sh [records (default 200000)] [kills (default 20)] [rate/s (default 700)] [seed]
# Size RATE so that records / rate outlasts the kills (about 12 s each on a loaded 2-core machine).
# KINDS=broker,jobmanager,jobmanager,... kills only those kinds, a kind named twice at least 4 times
# (default: all kinds, ingest included, each at least twice).
# Extra Maven flags via MVN_OPTS, e.g. MVN_OPTS="-Dmaven.repo.local=/path/to/m2".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
records="${1:-200000}"
kills="${2:-20}"
rate="${3:-700}"
seed="${4:-20261207}"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
log="$(mktemp)"
start=$(date +%s)
if ./mvnw -B -o ${MVN_OPTS:-} -pl launcher -am test -Dtest=ChaosProcessTest -Dspotless.check.skip=true \
  -Dsurefire.failIfNoSpecifiedTests=false -Dchaos.records="$records" -Dchaos.kills="$kills" \
  -Dchaos.rate="$rate" -Dchaos.seed="$seed" -Dchaos.kinds="${KINDS:-}" >"$log" 2>&1; then
  status=passed
else
  status=FAILED
fi
grep -a -E '^\[chaos|^chaos' "$log" || true
grep -a -E 'Tests run:|FAIL|expected|Expecting' "$log" | tail -6
echo "chaos $status: records=$records kills=$kills rate=$rate seed=$seed kinds=${KINDS:-all}, $(($(date +%s) - start)) s with the build; log $log"
[ "$status" = passed ]
