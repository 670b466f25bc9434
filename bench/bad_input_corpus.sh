#!/usr/bin/env bash
# The bad-input corpus at full size (docs/reliability.md, "Bad-input corpus"): N bad records over the
# tabular (credit), image (fashion-mnist) and text (spam) pipelines, as many good ones, plus bad files
# through the ingest readers, into the preprocess job on a MiniCluster against the embedded broker and
# registry. The same test runs in the normal suite with N = 1000.
# Usage: bench/bad_input_corpus.sh [bad records (default 10000)] [seed]
# Extra Maven flags via MVN_OPTS, e.g. MVN_OPTS="-Dmaven.repo.local=/path/to/m2".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
size="${1:-10000}"
seed="${2:-20261207}"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
log="$(mktemp)"
start=$(date +%s)
if ./mvnw -B -o ${MVN_OPTS:-} -pl preprocess-job -am test -Dtest=BadInputCorpusKafkaTest \
  -Dsurefire.failIfNoSpecifiedTests=false -Dcorpus.size="$size" -Dcorpus.seed="$seed" >"$log" 2>&1; then
  status=passed
else
  status=FAILED
fi
grep -a '^CORPUS' "$log" || true
grep -a -E 'Tests run:|FAIL' "$log" | tail -3
echo "corpus $status: size=$size seed=$seed, $(($(date +%s) - start)) s with the build; log $log"
[ "$status" = passed ]
