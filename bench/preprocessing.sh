#!/usr/bin/env bash
# Records/s of a full clean + feature pipeline (impute, winsorize, scale, one-hot, PCA) from Kafka
# through the Flink preprocess job to Kafka with the exactly-once sinks, lending_club replayed to
# N records (default 1,000,000), on the embedded broker + registry; then the same transforms in
# scikit-learn on the same rows. Usage: bench/preprocessing.sh [records] [runs] [parallelisms]
# (parallelisms: comma-separated, default 1,2: each runs [runs] times in one JVM)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
records="${1:-1000000}"
runs="${2:-3}"
parallelisms="${3:-1,2}"
csv="${LENDING_CSV:-../shared/datasets/tabular/lending_club.csv}"
[ -f "$csv" ] || { echo "lending_club.csv not found at $csv (set LENDING_CSV)"; exit 1; }

./mvnw -B -q -o ${MAVEN_REPO:+-Dmaven.repo.local=$MAVEN_REPO} -DskipTests package -pl launcher -am >&2
spec="$(mktemp --suffix=.yaml)"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_lending_spec "$spec"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ); load average $(cut -d' ' -f1-3 /proc/loadavg)"
# the launcher's class-data archive (written by ./streamtune after a build; STREAMTUNE_CDS=off: none)
# serves this JVM too: its class path starts with the archive's (the bench classes come last)
./streamtune --help > /dev/null
cds_opts=()
if [[ "${STREAMTUNE_CDS:-on}" != off && -f launcher/target/streamtune-cds.jsa ]]; then
  cds_opts=(-XX:SharedArchiveFile=launcher/target/streamtune-cds.jsa -Xshare:auto -Xlog:cds=off)
fi
java -Xmx4g -Dlog4j2.configurationFile=streamtune-log4j2.xml ${cds_opts[@]+"${cds_opts[@]}"} \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  -cp "launcher/target/streamtune-launcher-0.1.0-SNAPSHOT.jar:$(cat launcher/target/classpath.txt):launcher/target/test-classes" \
  io.streamtune.launcher.bench.PreprocessBenchmark "$csv" "$spec" "$records" "$runs" "$parallelisms"
/usr/bin/python3 bench/preprocessing_sklearn.py "$csv" "$records" "$runs"
echo "done $(date -u +%H:%MZ); load average $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$spec"
