# streamtune services on an NVIDIA GPU (the trainer of docker-compose.gpu.yml): the launcher and its runtime
# classpath, as docker/service.Dockerfile, on a CUDA 12.8 base, with the Temurin 17 JRE of the CPU image.
#
# Maven Central has no CUDA natives for libtorch 2.7.1, so DJL loads them at start, the way it is built to
# (DJL "Engine Configuration" page, docs.djl.ai, serving/docs/configurations.md):
#   - by default it downloads the PYTORCH_FLAVOR=cu128, PYTORCH_VERSION=2.7.1 build from publish.djl.ai once
#     into DJL_CACHE_DIR / ENGINE_CACHE_DIR (docker-compose.gpu.yml keeps that in a volume);
#   - with PYTORCH_LIBRARY_PATH set to a libtorch 2.7.1+cu128 folder (e.g. a mounted pip torch's torch/lib),
#     it loads that one and downloads nothing.
# DJL 0.36 takes bundled natives from the classpath before it reads PYTORCH_FLAVOR (a PYTORCH_VERSION of
# 2.7.1 matches the bundled 2.7.1-20250812): the pytorch-native-cpu jar is left out of this image, or the
# trainer would run on the CPU natives even with a GPU. Nothing forces offline mode here (the CPU image runs
# java -Dai.djl.offline=true).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests install \
 && ./mvnw -B -q -pl launcher dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/app/lib \
 && cp launcher/target/streamtune-launcher-*.jar /app/lib/ \
 && rm /app/lib/pytorch-native-cpu-*.jar

FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu22.04
ENV JAVA_HOME=/opt/java/openjdk
COPY --from=eclipse-temurin:17-jre /opt/java/openjdk /opt/java/openjdk
ENV PATH="/opt/java/openjdk/bin:${PATH}"
# libgomp1: XGBoost's native library (backbone gbt, unpacked from the xgboost4j jar) links the
# system OpenMP runtime; libtorch brings its own copy, XGBoost does not.
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/lib /app/lib
ENV DJL_OFFLINE=false PYTORCH_FLAVOR=cu128 PYTORCH_VERSION=2.7.1 \
    DJL_CACHE_DIR=/var/cache/djl ENGINE_CACHE_DIR=/var/cache/djl
# As docker/service.Dockerfile: glibc malloc keeps libtorch's per-step host buffers mapped (docs/benchmarks.md).
ENV MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=134217728
ENTRYPOINT ["java", "-cp", "/app/lib/*", "io.streamtune.launcher.StreamtuneCli"]
CMD ["--help"]
