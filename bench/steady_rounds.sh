#!/usr/bin/env bash
# Steady warm-started rounds (docs/benchmarks.md, "Steady rounds (issue 18)"): lending_club's
# prepared train split repeated COPIES times, streamed through the trainer's buffer and trigger
# into the real tabular round trainer, once with the warm-round keys off (every round all epochs
# at the full rate: the behaviour before) and once at their defaults; every version's macro F1 on
# the fixed holdout with its 95% bootstrap CI, the swing to the previous version and the new share.
# Two ways to split the copies: "copies" (each copy of a row is a record of its own, hashed to train
# or holdout on its own id: replicating the CSV, as the issue's measurement did, so most holdout rows
# have copies in the train stream) and "rows" (all copies of a row go where the row goes: the train
# split repeated in seeded orders, the holdout split once: no holdout row is ever trained on).
#   bench/steady_rounds.sh [warm-rounds] [copies] [buffer-capacity] [retrain-every] [resamples]
#   defaults: 20 warm rounds, 5 copies, capacity 20000 (10000 per class), a version every 100 new
#             examples (< 1% of the buffer), 1000 resamples
# Env: DATA (default ../shared/datasets/tabular/lending_club.csv: not in the repository, see
#      ../shared/datasets/README.md), SPLITS (default "copies rows"), THREADS (PyTorch threads,
#      default 1), SPEC (default the lending_club spec in trainer/src/test/resources/steady; with
#      DATA another tabular dataset), FROM_START=true (the first version when the trigger first fires,
#      as the service does, instead of on a full buffer).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-20}"
copies="${2:-5}"
capacity="${3:-20000}"
every="${4:-100}"
resamples="${5:-1000}"
threads="${THREADS:-1}"
splits="${SPLITS:-copies rows}"
spec="${SPEC:-trainer/src/test/resources/steady/lending_club.yaml}"
from_start="${FROM_START:-false}"
data="${DATA:-$root/../shared/datasets/tabular/lending_club.csv}"
if [[ ! -f "$data" ]]; then
  echo "$data not found: lending_club.csv is not part of the repository; copy it from the" \
    "shared datasets (tabular/lending_club.csv, MIT, see ../shared/datasets/README.md) or set DATA" >&2
  exit 2
fi
cd "$root"
source "$root/bench/lib.sh"
bench_training_malloc
cp="$(bench_classpath trainer)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(java -version 2>&1 | head -1);" \
  "$(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg); $threads thread(s)"
for split in $splits; do
  echo "== split by $split"
  OMP_NUM_THREADS="$threads" java -Xmx2g -Dai.djl.offline=true -Dsplit="$split" -DfromStart="$from_start" \
    -DDJL_CACHE_DIR="$root/trainer/target/djl-cache" -DENGINE_CACHE_DIR="$root/trainer/target/djl-cache" \
    -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
    -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.streamtune -Djava.io.tmpdir="$root/trainer/target" \
    -Dlog4j2.configurationFile=streamtune-test-log4j2.xml \
    -cp "trainer/target/test-classes:trainer/target/classes:$cp" \
    io.streamtune.trainer.bench.SteadyRoundsBenchmark "$spec" \
    "$data" "$copies" "$capacity" "$every" "$rounds" "$resamples"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
