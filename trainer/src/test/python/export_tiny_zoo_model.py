"""Exports a tiny TorchScript image embedder under the name of DJL's zoo:resnet18 artifact.

    /usr/bin/python3 trainer/src/test/python/export_tiny_zoo_model.py OUT_DIR

Debian's torch 1.13. ZooRepositoryTest puts it, zipped, into a local repository directory in DJL's
zoo layout (model/cv/image_classification/ai/djl/pytorch/resnet18_embedding/{metadata.json,
0.0.1/resnet18_embedding.zip}) and points DJL_REPO_URL at it, so that zoo:resnet18's download into the
DJL cache runs offline. Like the real resnet18_embedding it maps [N, 3, H, W] to features (here 8,
not 512: a 3x3 convolution, ReLU and a global average pool; random weights, seed 0).
"""
import sys

import torch

out_dir = sys.argv[1]
torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Conv2d(3, 8, 3, padding=1),
    torch.nn.ReLU(),
    torch.nn.AdaptiveAvgPool2d(1),
    torch.nn.Flatten(),
).eval()
torch.jit.trace(model, torch.rand(1, 3, 32, 32)).save(f"{out_dir}/resnet18_embedding.pt")
# the sidecar the fixture's export() expects beside an exported file; the zoo declares the input
with open(f"{out_dir}/resnet18_embedding.json", "w") as f:
    f.write('{"width": 224, "height": 224, "output": "features"}')
print(f"{out_dir}/resnet18_embedding.pt")
