#!/usr/bin/env python3
"""PyTorch 1.13 side of bench/cnn_conv_primitives.sh: trains bench/cnn_train_torch.py's SmallCnn peer
for a few epochs on one thread so that oneDNN's verbose log (DNNL_VERBOSE=1, set by the caller) records
every convolution it runs. Prints "@@ epoch <seconds>" per epoch; the caller summarises the log."""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cnn_train_torch as peer  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--images", type=int, default=1920)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--memory-format", choices=["contiguous", "channels_last"], default="contiguous")
    args = ap.parse_args()
    torch.set_num_threads(1)
    peer.blas_threads(1)
    images = peer.read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"), 2051, args.images)
    labels = peer.read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"), 2049, args.images)
    fmt = torch.channels_last if args.memory_format == "channels_last" else torch.contiguous_format
    model = peer.Torch(images, labels, 64, 0, fmt)
    for _ in range(args.epochs):
        start = time.time()
        model.epoch()
        print(f"@@ epoch {time.time() - start:.3f}", flush=True)


if __name__ == "__main__":
    main()
