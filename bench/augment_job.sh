#!/usr/bin/env bash
# Augmented 28x28 images/s through the Flink preprocess job (Kafka -> Flink -> Kafka, exactly-once
# sinks) on the embedded broker + registry, Fashion-MNIST's 60,000 training images; then torchvision
# 0.14 (Debian python3-torchvision) applying the same transforms to the same images, one thread.
# Usage: bench/augment_job.sh [images (0 = all)] [copies] [runs] [parallelism]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
images="${1:-0}"
copies="${2:-1}"
runs="${3:-3}"
parallelism="${4:-2}"
data="${FASHION_MNIST:-../shared/datasets/fashion-mnist}"
[ -f "$data/train-images-idx3-ubyte.gz" ] || { echo "Fashion-MNIST not found in $data (set FASHION_MNIST)"; exit 1; }

./mvnw -B -q -o -DskipTests package -pl launcher -am >&2
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx3g -Dlog4j2.configurationFile=streamtune-log4j2.xml \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  ${BENCH_JAVA_OPTS:-} \
  -cp "launcher/target/test-classes:launcher/target/streamtune-launcher-0.1.0-SNAPSHOT.jar:$(cat launcher/target/classpath.txt)" \
  io.streamtune.launcher.bench.AugmentJobBenchmark \
  "$data/train-images-idx3-ubyte.gz" "$data/train-labels-idx1-ubyte.gz" "$images" "$copies" "$runs" "$parallelism"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 bench/torchvision_augment.py "$data/train-images-idx3-ubyte.gz" "$runs" "${images:-0}"
