"""torchvision 0.14 applying the same augmentations as AugmentBenchmark to the same Fashion-MNIST images,
one thread. Used by bench/augment.sh and bench/augment_job.sh."""
import gzip
import sys
import time

import numpy as np
import torch
from PIL import Image
from torchvision import transforms

torch.set_num_threads(1)
path, repeats = sys.argv[1], int(sys.argv[2])
# optional third argument: how many images (0 = all); bench/augment.sh uses the first 10,000
limit = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
with gzip.open(path, "rb") as f:
    data = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 28, 28)
if limit > 0:
    data = data[:limit]
images = [Image.fromarray(x) for x in data]
augment = transforms.Compose([
    transforms.RandomResizedCrop(28, scale=(0.5, 1.0), ratio=(0.75, 1.3333)),
    transforms.RandomHorizontalFlip(0.5),
    transforms.RandomRotation(15),
    transforms.ColorJitter(brightness=0.4, contrast=0.4),
])
torch.manual_seed(42)
for _ in range(repeats):
    start = time.perf_counter()
    out = [augment(img) for img in images]
    seconds = time.perf_counter() - start
    print(f"torchvision images: {len(images)} augmented 28x28 images in {seconds:.2f} s = {len(images) / seconds:.0f} images/s")
