#!/usr/bin/python3
"""SMOTE and Tomek links: streamtune's sampling core against imbalanced-learn, same data, same run.

    /usr/bin/python3 bench/sampling_bench.py [--rounds 3] [--repeats 7] [--no-build] [--java-threads N]

Data: preprocess-core/src/test/resources/golden/sampling/lending_club_numeric.csv (lending_club's 17
numeric columns, standardized; 9,857 rows, 5.2% minority). Each round runs the Java benchmark
(io.streamtune.preprocess.sampling.SamplingBenchmark, a fresh JVM with warm-up runs) and then
imbalanced-learn's SMOTE(), TomekLinks() and EditedNearestNeighbours() in this process; each figure is the median of
--repeats timed runs, and the table shows the median over rounds. rows/s = input rows / seconds.
The JVM runs each case for --warmup seconds before timing (a long-running job is JIT-compiled);
its first, cold run is shown too. imbalanced-learn gets one untimed warm-up run per case.
Process CPU seconds (all threads) are reported beside wall time: on a shared machine they show the
work each side does, where wall time also shows the wait for a core.
--java-threads sets the JVM's streamtune.neighbour.threads (default: processors, at most 8);
each round line shows the load average before it.
Needs Debian's python3-imblearn (0.10) and python3-sklearn (1.2), a JDK 17, and the Maven repo.
"""
import argparse
import csv
import os
import platform
import re
import statistics
import subprocess
import sys
import time

import imblearn
import numpy as np
import sklearn
from imblearn.over_sampling import SMOTE
from imblearn.under_sampling import EditedNearestNeighbours, TomekLinks

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
DATA = os.path.join(ROOT, "preprocess-core/src/test/resources/golden/sampling/lending_club_numeric.csv")
CLASSPATH_FILE = os.path.join(ROOT, "preprocess-core/target/bench-classpath.txt")


def mvn(*args):
    subprocess.run([os.path.join(ROOT, "mvnw"), "-B", "-o", "-q", *args], cwd=ROOT, check=True)


def java_classpath(build):
    if build:
        mvn("-pl", "preprocess-core", "-am", "test-compile")
        mvn("-pl", "preprocess-core", "dependency:build-classpath",
            "-Dmdep.outputFile=" + CLASSPATH_FILE, "-Dmdep.includeScope=test")
    with open(CLASSPATH_FILE) as f:
        jars = [p for p in f.read().strip().split(":") if "/io/streamtune/" not in p]
    own = [os.path.join(ROOT, p) for p in
           ("schemas/target/classes", "spec/target/classes", "common/target/classes",
            "preprocess-core/target/classes", "preprocess-core/target/test-classes")]
    return ":".join(own + jars)


def run_java(classpath, repeats, warmup, threads):
    props = ["-Dstreamtune.neighbour.threads=%d" % threads] if threads else []
    out = subprocess.run(
        ["java", "-Xmx2g", *props, "-cp", classpath, "io.streamtune.preprocess.sampling.SamplingBenchmark",
         DATA, str(repeats), str(warmup)],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout
    results = {}
    for line in out.splitlines():
        m = re.match(r"RESULT (\S+) rows=(\d+) seconds=([\d.]+) rows_per_s=\d+ "
                     r"cold_seconds=([\d.]+) out=(\d+) cpu_seconds=([\d.]+)", line)
        if m:
            results[m.group(1)] = (float(m.group(3)), int(m.group(2)), int(m.group(5)),
                                   float(m.group(4)), float(m.group(6)))
    return results


def load():
    with open(DATA, newline="") as f:
        rows = list(csv.reader(f))[1:]
    y = np.array([r[1] for r in rows])
    x = np.array([[float(v) for v in r[2:]] for r in rows])
    return x, y


def run_imblearn(x, y, repeats):
    results = {}
    for name, make in (("batch-smote", lambda: SMOTE(random_state=0)),
                       ("batch-tomek", lambda: TomekLinks()),
                       ("batch-enn", lambda: EditedNearestNeighbours())):
        make().fit_resample(x, y)  # warm-up (imports, BLAS threads)
        times, cpu = [], []
        for _ in range(repeats):
            start, cpu_start = time.perf_counter(), time.process_time()
            _, y_out = make().fit_resample(x, y)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
        results[name] = (statistics.median(times), len(y), len(y_out), None,
                         statistics.median(cpu))
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--warmup", type=float, default=3.0, help="JVM warm-up seconds per case")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--java-threads", type=int, default=0,
                        help="streamtune.neighbour.threads for the JVM (0: its default)")
    args = parser.parse_args()

    classpath = java_classpath(not args.no_build)
    x, y = load()
    java_rounds, peer_rounds = [], []
    for r in range(args.rounds):
        load_before = "%.1f" % os.getloadavg()[0]
        java_rounds.append(run_java(classpath, args.repeats, args.warmup, args.java_threads))
        peer_rounds.append(run_imblearn(x, y, args.repeats))
        print("round %d (load %s): java %s | imblearn %s (wall s, cpu s)" % (
            r + 1, load_before,
            {k: "%.4f,%.3f" % (v[0], v[4]) for k, v in java_rounds[-1].items()},
            {k: "%.4f,%.3f" % (v[0], v[4]) for k, v in peer_rounds[-1].items()}), flush=True)

    def median_seconds(rounds, case):
        return statistics.median(rd[case][0] for rd in rounds)

    print()
    print("data: %s (%d rows x %d features, minority %d)" % (
        os.path.relpath(DATA, ROOT), x.shape[0], x.shape[1], int((y == "bad").sum())))
    print("peers: imbalanced-learn %s, scikit-learn %s, numpy %s, python %s; %s, %d CPUs" % (
        imblearn.__version__, sklearn.__version__, np.__version__, platform.python_version(),
        subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0],
        os.cpu_count()))
    print("rounds %d x repeats %d (median of medians), JVM warm-up %.0f s per case, "
          "neighbour threads %s, load average now %.1f" % (
              args.rounds, args.repeats, args.warmup, args.java_threads or "default",
              os.getloadavg()[0]))
    print()
    print("| case | rows out | streamtune rows/s (cold first run) | imbalanced-learn rows/s "
          "| ratio | CPU s streamtune / imbalanced-learn | CPU ratio |")
    print("|---|---|---|---|---|---|---|")
    for case in ("batch-smote", "batch-tomek", "batch-enn"):
        java_s, peer_s = median_seconds(java_rounds, case), median_seconds(peer_rounds, case)
        cold_s = statistics.median(rd[case][3] for rd in java_rounds)
        rows = java_rounds[0][case][1]
        java_cpu = statistics.median(rd[case][4] for rd in java_rounds)
        peer_cpu = statistics.median(rd[case][4] for rd in peer_rounds)
        # process CPU time ticks in 10 ms steps: a faster case reads 0
        cpu_ratio = "%.1fx" % (peer_cpu / java_cpu) if java_cpu > 0 else "(below 10 ms)"
        print("| %s | %d (imblearn %d) | %.0f (%.0f) | %.0f | %.1fx | %.3f / %.3f | %s |" % (
            case, java_rounds[0][case][2], peer_rounds[0][case][2], rows / java_s, rows / cold_s,
            rows / peer_s, peer_s / java_s, java_cpu, peer_cpu, cpu_ratio))
    for case in ("stream-smote", "stream-tomek-window2000"):
        java_s = median_seconds(java_rounds, case)
        cold_s = statistics.median(rd[case][3] for rd in java_rounds)
        rows = java_rounds[0][case][1]
        print("| %s | %d | %.0f (%.0f) | (no streaming peer) | |" % (
            case, java_rounds[0][case][2], rows / java_s, rows / cold_s))


if __name__ == "__main__":
    sys.exit(main())
