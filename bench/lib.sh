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
