# Flink JobManager/TaskManager image with the preprocess job and its dependencies in usrlib.
# Flink's own classes are loaded parent-first, so copies of them in usrlib are never used.
# The job jar's runtime dependencies include the streamtune-preprocess-core jar it adapts.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests install \
 && ./mvnw -B -q -pl preprocess-job dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/job/lib \
 && cp preprocess-job/target/streamtune-preprocess-job-*.jar /job/lib/

FROM flink:2.2.1-java17
COPY --from=build /job/lib /opt/flink/usrlib
# The preprocess stage's metrics (StageMetricsReporter, FLINK_PROPERTIES in docker-compose.yml) are a
# Flink plugin: reporters are loaded by the cluster, not from the job's usrlib. The reporter needs
# only the job jar, streamtune-common and Micrometer's Prometheus registry.
RUN mkdir -p /opt/flink/plugins/streamtune-metrics \
 && cd /opt/flink/usrlib \
 && cp streamtune-preprocess-job-*.jar streamtune-common-*.jar micrometer-*.jar prometheus-metrics-*.jar \
       HdrHistogram-*.jar /opt/flink/plugins/streamtune-metrics/
# retained checkpoints (preprocess.checkpoint.dir): a named volume takes this folder's owner
RUN mkdir -p /checkpoints && chown flink:flink /checkpoints
