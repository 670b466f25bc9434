"""Exports a torchvision ResNet-18 with random weights as a TorchScript image backbone + sidecar.

    /usr/bin/python3 trainer/src/test/python/export_resnet18.py OUT_DIR [SIDE]

Debian's torch 1.13 / torchvision 0.14. The classifier is replaced by Identity, so the module maps
[N, 3, SIDE, SIDE] to 512 features ("output": "features" in the sidecar); a new head goes on top.
Random weights (seed 0) are enough for the plumbing test (ByoTorchScriptBackboneTest): the file is
45 MB, so it is made at test time into target/ instead of being committed. The sidecar declares
the input and ImageNet's mean/std, as a user's real export would.
"""
import json
import sys

import torch
import torchvision

out_dir = sys.argv[1]
side = int(sys.argv[2]) if len(sys.argv) > 2 else 64
torch.manual_seed(0)
model = torchvision.models.resnet18(weights=None)
model.fc = torch.nn.Identity()
model.eval()
traced = torch.jit.trace(model, torch.rand(1, 3, side, side))
traced.save(f"{out_dir}/resnet18.pt")
with open(f"{out_dir}/resnet18.json", "w") as f:
    json.dump(
        {
            "width": side,
            "height": side,
            "channels": 3,
            "mean": [0.485, 0.456, 0.406],
            "std": [0.229, 0.224, 0.225],
            "output": "features",
        },
        f,
    )
print(f"{out_dir}/resnet18.pt", sum(p.numel() for p in model.parameters()), "parameters")
