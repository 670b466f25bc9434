"""Exports a torchvision ResNet-18 with random weights as an ONNX image backbone + sidecar.

    /usr/bin/python3 trainer/src/test/python/export_resnet18_onnx.py OUT_DIR [SIDE]

Debian's torch 1.13 / torchvision 0.14, torch.onnx.export at opset 13. The graph keeps ImageNet's
classifier and has two named outputs: "logits" [N, 1000] and "features" [N, 512] (the penultimate
tensor, after the average pool), as a user's export of a classifier often has; the sidecar names
"features" as the output the new head reads. Random weights (seed 0) are enough for the plumbing
test (OnnxBackboneTest); the file is 45 MB, so it is made at test time into target/.
"""
import json
import sys

import torch
import torchvision

out_dir = sys.argv[1]
side = int(sys.argv[2]) if len(sys.argv) > 2 else 64
torch.manual_seed(0)
resnet = torchvision.models.resnet18(weights=None)
resnet.eval()


class LogitsAndFeatures(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        n = self.net
        x = n.maxpool(n.relu(n.bn1(n.conv1(x))))
        x = n.layer4(n.layer3(n.layer2(n.layer1(x))))
        features = torch.flatten(n.avgpool(x), 1)
        return n.fc(features), features


model = LogitsAndFeatures(resnet).eval()
torch.onnx.export(
    model,
    torch.rand(1, 3, side, side),
    f"{out_dir}/resnet18.onnx",
    opset_version=13,
    input_names=["image"],
    output_names=["logits", "features"],
    dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}, "features": {0: "batch"}},
)
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
print(f"{out_dir}/resnet18.onnx", sum(p.numel() for p in resnet.parameters()), "parameters")
