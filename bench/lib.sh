# Shared by the training benchmarks (sourced, not run).

# As the launcher (./streamtune) and the service image run the JVM: glibc malloc keeps libtorch's
# per-step buffers mapped (docs/benchmarks.md, "Image CNN training speed"). GLIBC_MALLOC=default
# leaves glibc's own settings (3-4x slower DJL training steps).
bench_training_malloc() {
  if [[ "${GLIBC_MALLOC:-}" != default ]]; then
    export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
    export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-4294967296}"
    export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-134217728}"
  fi
}

# One reactor build of MODULE and what it needs; prints MODULE's test classpath. The sibling modules
# resolve to their target/classes (nothing is installed).
bench_classpath() {
  ./mvnw -B -q -o -pl "$1" -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2 || return 1
  cat "$1/target/bench-classpath.txt"
}

# With DJL_PYTORCH=<djl>/<pytorch> (e.g. 0.33.0/2.5.1), prints classpath $1 with DJL's api, PyTorch
# engine, JNI and CPU natives swapped for those versions (fetched from Maven Central into ~/.m2 once),
# to measure another libtorch under the same streamtune code; without it, prints $1 unchanged. Only
# for benchmarks: the build pins DJL 0.36.0 / PyTorch 2.7.1.
bench_djl_swap() {
  if [[ -z "${DJL_PYTORCH:-}" ]]; then
    echo "$1"
    return
  fi
  local djl="${DJL_PYTORCH%/*}" torch="${DJL_PYTORCH#*/}" m2="$HOME/.m2/repository/ai/djl" a
  for a in "ai.djl:api:$djl" "ai.djl.pytorch:pytorch-engine:$djl" "ai.djl.pytorch:pytorch-jni:$torch-$djl" \
    "ai.djl.pytorch:pytorch-native-cpu:$torch:jar:linux-x86_64"; do
    ./mvnw -B -q dependency:get -Dartifact="$a" -Dtransitive=false >&2 || return 1
  done
  echo "$1" | tr ':' '\n' | sed -E \
    -e "s#/ai/djl/api/[^/]+/api-[^/]+\.jar#/ai/djl/api/$djl/api-$djl.jar#" \
    -e "s#/pytorch-engine/[^/]+/pytorch-engine-[^/]+\.jar#/pytorch-engine/$djl/pytorch-engine-$djl.jar#" \
    -e "s#/pytorch-jni/[^/]+/pytorch-jni-[^/]+\.jar#/pytorch-jni/$torch-$djl/pytorch-jni-$torch-$djl.jar#" \
    -e "s#/pytorch-native-cpu/[^/]+/pytorch-native-cpu-[^/]+\.jar#/pytorch-native-cpu/$torch/pytorch-native-cpu-$torch-linux-x86_64.jar#" \
    | paste -sd:
}

# Writes the lending_club spec with the benchmarks' preprocessing chain (impute, winsorize, scale,
# one-hot, PCA: the chain bench/preprocessing_sklearn.py runs) to the file $1.
bench_lending_spec() {
  cat preprocess-core/src/test/resources/golden/lending_club.yaml > "$1"
  cat >> "$1" <<'YAML'
preprocess:
  steps:
    - impute: {strategy: mean}
    - impute: {strategy: most_frequent}
    - winsorize: {lower: 0.01, upper: 0.99}
    - scale: {method: standard}
    - oneHot: {}
    - pca: {components: 8}
YAML
}
