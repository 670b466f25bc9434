#!/usr/bin/python3
"""SmallCnn training speed: DJL (streamtune's ImageClassifierFineTuner / RoundLoop) against PyTorch 1.13.

Run through bench/cnn_train_bench.sh, which builds the Java side and passes its command line.
For each thread count this script starts one JVM (CnnTrainBenchmark, commands on stdin), builds
the same network in PyTorch, checks that both have the same parameter count and, with DJL's
initial weights copied in, the same logits on a probe batch, warms both up, then times one
training epoch over the same Fashion-MNIST images on each side in turn (the side that goes first
alternates between rounds). Both sides: Adam (lr 1e-3), batch 64, class-weighted cross-entropy,
pixels scaled from uint8 per batch, the loss read back every step, shuffled order.
"""
import argparse
import ctypes
import gzip
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path, magic, count):
    with gzip.open(path, "rb") as f:
        data = f.read()
    if int.from_bytes(data[0:4], "big") != magic:
        raise SystemExit(f"{path}: not an IDX file")
    n = min(count, int.from_bytes(data[4:8], "big"))
    if magic == 2051:
        side = int.from_bytes(data[8:12], "big") * int.from_bytes(data[12:16], "big")
        return np.frombuffer(data, np.uint8, n * side, 16).reshape(n, side)
    return np.frombuffer(data, np.uint8, n, 8)


def small_cnn(classes=10):
    """streamtune's SmallCnn: conv32-relu-pool, conv64-relu-pool, flatten, dense128-relu, logits."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 128), nn.ReLU(),
        nn.Linear(128, classes))


def blas_threads(n):
    """Debian's torch does its matrix products in OpenBLAS, whose own thread pool ignores
    torch.set_num_threads (it used both cores at "1 thread", spinning in sched_yield): set it too."""
    for line in open("/proc/self/maps"):
        path = line.split()[-1]
        if "openblas" in path and path.endswith((".so", ".so.0")) or "libopenblas" in path:
            lib = ctypes.CDLL(path)
            lib.openblas_set_num_threads(n)
            return f"OpenBLAS threads {lib.openblas_get_num_threads()}"
    return "no OpenBLAS loaded"


class Torch:
    def __init__(self, images, labels, batch, seed, memory_format):
        torch.manual_seed(seed)
        self.memory_format = memory_format
        self.model = small_cnn().to(memory_format=memory_format)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.images = torch.from_numpy(images.copy())
        self.labels = torch.from_numpy(labels.astype(np.int64))
        counts = torch.bincount(self.labels, minlength=10).double()
        present = int((counts > 0).sum())
        # balanced weights n / (classes * n_c), as RoundLoop.balancedClassWeights
        self.weights = torch.where(counts > 0, len(labels) / (present * counts), counts).float()
        self.batch = batch
        self.generator = torch.Generator().manual_seed(seed)

    def parameters(self):
        return sum(p.numel() for p in self.model.parameters())

    def load_djl(self, folder):
        names = [line.split() for line in open(os.path.join(folder, "params.txt"))]
        flat = np.fromfile(os.path.join(folder, "params.bin"), dtype="<f4")
        offset = 0
        with torch.no_grad():
            for (name, *dims), p in zip(names, self.model.parameters()):
                shape = tuple(int(d) for d in dims)
                if shape != tuple(p.shape):
                    raise SystemExit(f"shape mismatch at {name}: DJL {shape}, torch {tuple(p.shape)}")
                n = int(np.prod(shape))
                p.copy_(torch.from_numpy(flat[offset:offset + n].reshape(shape)))
                offset += n
        if offset != flat.size or len(names) != len(list(self.model.parameters())):
            raise SystemExit("parameter lists differ")
        probe = np.fromfile(os.path.join(folder, "probe.bin"), dtype="<f4")
        rows = probe.size // 10
        x = self.images[:rows].float().div_(255).view(rows, 1, 28, 28)
        x = x.contiguous(memory_format=self.memory_format)
        with torch.no_grad():
            logits = self.model(x).numpy().reshape(-1)
        return float(np.abs(logits - probe).max()), float(np.abs(probe).max())

    def epoch(self):
        self.model.train()
        order = torch.randperm(len(self.labels), generator=self.generator)
        total = 0.0
        for start in range(0, len(order), self.batch):
            rows = order[start:start + self.batch]
            x = self.images[rows].float().div_(255).view(-1, 1, 28, 28)
            x = x.contiguous(memory_format=self.memory_format)
            y = self.labels[rows]
            logits = self.model(x)
            loss = F.cross_entropy(logits, y, weight=self.weights)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            value = loss.item()
            if value != value:
                raise SystemExit("torch loss is NaN")
            total += value * len(rows)
        return total / len(order)


class Djl:
    def __init__(self, command, threads, log):
        env = dict(os.environ, OMP_NUM_THREADS=str(threads))
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=log, text=True, env=env)
        self.ready = self.expect("ready").split()

    def expect(self, word):
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit(f"the Java side exited (rc {self.proc.wait()}); see its log")
            if line.startswith("@@ " + word):
                return line[3:].strip()

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def epoch(self):
        self.send("run")
        _, seconds, cpu, loss, steps = self.expect("run").split()
        return float(seconds), float(cpu), float(loss)

    def close(self):
        self.send("quit")
        self.proc.wait(timeout=60)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--java", required=True, help="Java command line up to (excluding) its arguments")
    ap.add_argument("--data", required=True, help="folder with the Fashion-MNIST IDX files")
    ap.add_argument("--images", type=int, default=1920)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--warmup", type=int, default=2, help="untimed epochs per side first")
    ap.add_argument("--log", default=None, help="where the JVM's stderr goes")
    ap.add_argument("--torch-memory-format", choices=["contiguous", "channels_last"],
                    default="contiguous",
                    help="PyTorch side's layout: contiguous (NCHW, PyTorch's default) or channels_last "
                         "(the layout the DJL side trains in)")
    args = ap.parse_args()

    images = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"), 2051, args.images)
    labels = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"), 2049, args.images)
    n = len(labels)
    torch.set_num_interop_threads(1)
    print(f"PyTorch {torch.__version__} ({'MKL' if torch.backends.mkl.is_available() else 'no MKL'}, "
          f"oneDNN {torch.backends.mkldnn.is_available()}); {n} Fashion-MNIST images, batch "
          f"{args.batch}, {args.rounds} rounds after {args.warmup} warm-up epochs per side; PyTorch "
          f"layout {args.torch_memory_format}", flush=True)
    log = open(args.log, "a") if args.log else subprocess.DEVNULL
    summary = []
    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        blas = blas_threads(threads)
        java = shlex.split(args.java) + [args.data, str(n), str(args.batch)]
        java.insert(1, f"-Dai.djl.pytorch.num_threads={threads}")
        djl = Djl(java, threads, log)
        memory_format = {"contiguous": torch.contiguous_format,
                         "channels_last": torch.channels_last}[args.torch_memory_format]
        peer = Torch(images, labels, args.batch, seed=7, memory_format=memory_format)
        djl_params = int(djl.ready[djl.ready.index("params") + 1])
        print(f"\n== {threads} thread(s) ({blas}): parameters DJL {djl_params:,}, PyTorch "
              f"{peer.parameters():,}", flush=True)
        if djl_params != peer.parameters():
            raise SystemExit("parameter counts differ")
        with tempfile.TemporaryDirectory() as folder:
            djl.send(f"export {folder}")
            djl.expect("exported")
            diff, scale = peer.load_djl(folder)
        print(f"   same weights -> max |logit difference| {diff:.2e} (logits up to {scale:.2f})",
              flush=True)
        if diff > 1e-4 * max(1.0, scale):
            raise SystemExit("the two networks do not compute the same function")
        for _ in range(args.warmup):
            djl.epoch()
            peer.epoch()
        print("   round | DJL samples/s (per CPU-s) loss | PyTorch samples/s (per CPU-s) loss"
              " | DJL/PyTorch wall (CPU)", flush=True)
        rates = []
        for r in range(args.rounds):
            sides = ["djl", "torch"] if r % 2 == 0 else ["torch", "djl"]
            result = {}
            for side in sides:
                if side == "djl":
                    seconds, cpu, loss = djl.epoch()
                else:
                    t0, c0 = time.perf_counter(), time.process_time()
                    loss = peer.epoch()
                    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
                result[side] = (n / seconds, n / cpu, loss)
            d, t = result["djl"], result["torch"]
            rates.append((d[0], t[0], d[0] / t[0], d[1], t[1], d[1] / t[1]))
            print(f"   {r + 1:5d} | {d[0]:7,.0f} ({d[1]:7,.0f}) {d[2]:.3f} | "
                  f"{t[0]:7,.0f} ({t[1]:7,.0f}) {t[2]:.3f} | {d[0] / t[0]:.2f}x ({d[1] / t[1]:.2f}x)"
                  f"  [{'DJL first' if sides[0] == 'djl' else 'PyTorch first'}]", flush=True)
        djl.close()
        med = [statistics.median(x) for x in zip(*rates)]
        print(f"   median: DJL {med[0]:,.0f} samples/s ({med[3]:,.0f} per CPU-s), PyTorch "
              f"{med[1]:,.0f} ({med[4]:,.0f}); median of the rounds' ratios {med[2]:.2f}x "
              f"(range {min(x[2] for x in rates):.2f}-{max(x[2] for x in rates):.2f}), "
              f"per CPU-s {med[5]:.2f}x (range {min(x[5] for x in rates):.2f}-"
              f"{max(x[5] for x in rates):.2f})", flush=True)
        summary.append((threads, med))
    print("\nthreads | DJL samples/s | PyTorch samples/s | DJL/PyTorch | DJL/PyTorch per CPU-s"
          "   (medians over rounds)")
    for threads, med in summary:
        print(f"{threads:7d} | {med[0]:13,.0f} | {med[1]:17,.0f} | {med[2]:10.2f}x | {med[5]:.2f}x")
    try:
        print(f"load average at the end: {os.getloadavg()}")
    except OSError:
        pass


if __name__ == "__main__":
    sys.exit(main())
