#!/usr/bin/env bash
# Records/s of the preprocess job (impute, winsorize, scale, one-hot, PCA; Kafka -> Flink -> Kafka,
# exactly-once sinks) at parallelism 2 across two TaskManagers: a Flink standalone session cluster
# of separate JVMs from the chaos harness (one KRaft broker, the schema registry, a JobManager, two
# TaskManagers of one slot each), lending_club replayed to N records (default 1,000,000) produced
# first (not timed), the job submitted over REST [runs] times; each run prints where the subtasks
# ran and each process's CPU seconds (/proc/<pid>/stat). Then scikit-learn on the same rows.
# Usage: bench/preprocessing_cluster.sh [records] [runs]
# Maven flags: MAVEN_REPO=<local repository> and/or MVN_OPTS="...".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
records="${1:-1000000}"
runs="${2:-3}"
csv="${LENDING_CSV:-../shared/datasets/tabular/lending_club.csv}"
[ -f "$csv" ] || { echo "lending_club.csv not found at $csv (set LENDING_CSV)"; exit 1; }

# shellcheck disable=SC2086
./mvnw -B -q -o ${MAVEN_REPO:+-Dmaven.repo.local=$MAVEN_REPO} ${MVN_OPTS:-} -DskipTests package -pl launcher -am >&2
spec="$(mktemp --suffix=.yaml)"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_lending_spec "$spec"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ); load average $(cut -d' ' -f1-3 /proc/loadavg)"
# the cluster's JVMs are started from this one's class path and inherit its Avro setting; the
# harness's test classes come last (the embedded module's test jar: ChildJvm)
java -Xmx2g -Dlog4j2.configurationFile=streamtune-log4j2.xml \
  -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.streamtune \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  -cp "launcher/target/streamtune-launcher-0.1.0-SNAPSHOT.jar:$(cat launcher/target/classpath.txt):launcher/target/test-classes:embedded/target/streamtune-embedded-0.1.0-SNAPSHOT-tests.jar" \
  io.streamtune.launcher.bench.PreprocessClusterBenchmark "$csv" "$spec" "$records" "$runs"
echo "cluster done $(date -u +%H:%MZ); load average $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 bench/preprocessing_sklearn.py "$csv" "$records" "$runs"
echo "done $(date -u +%H:%MZ); load average $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$spec"
