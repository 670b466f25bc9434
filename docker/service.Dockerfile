# streamtune services (trainer, evaluator, ingest, ...): the launcher and its runtime classpath.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests install \
 && ./mvnw -B -q -pl launcher dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/app/lib \
 && cp launcher/target/streamtune-launcher-*.jar /app/lib/

FROM eclipse-temurin:17-jre
# libgomp1: XGBoost's native library (backbone gbt, unpacked from the xgboost4j jar) links the
# system OpenMP runtime; libtorch brings its own copy, XGBoost does not.
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/lib /app/lib
ENV DJL_OFFLINE=true DJL_CACHE_DIR=/var/cache/djl ENGINE_CACHE_DIR=/var/cache/djl
# glibc malloc keeps libtorch's per-step buffers instead of unmapping and re-faulting them (3-4x
# faster CNN training; docs/benchmarks.md). Both are needed.
ENV MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=134217728
ENTRYPOINT ["java", "-Dai.djl.offline=true", "-cp", "/app/lib/*", "io.streamtune.launcher.StreamtuneCli"]
CMD ["--help"]
