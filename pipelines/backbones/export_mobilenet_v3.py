"""Exports torchvision's MobileNetV3 as a TorchScript (or ONNX) image backbone for streamtune.

DJL 0.36's model zoos hold no MobileNet that its PyTorch engine loads (see docs/architecture.md,
"Image backbones"), so a MobileNet comes as a bring-your-own file:

    /usr/bin/python3 pipelines/backbones/export_mobilenet_v3.py OUT_DIR \
        [--variant small|large] [--side 224] [--random] [--onnx]

then `trainer.backbone: OUT_DIR/mobilenet_v3_small.pt` (or `.onnx`) in the pipeline spec. Needs torch
and torchvision (Debian's python3-torchvision, torch 1.13 / torchvision 0.14, or newer). Without
--random it loads torchvision's ImageNet weights (IMAGENET1K_V1, downloaded once by torchvision into
~/.cache/torch); --random keeps random weights (seed 0), enough for plumbing tests offline.

TorchScript: the module is scripted with its ImageNet classifier kept (forward returns the 1,000
logits) and one more method, forward_features, exported with @torch.jit.export: the flattened average
pool (576 features for small, 960 for large), as timm's models offer. The sidecar names that method
("output": "forward_features"), so the new head reads the pooled features, not the logits; the
module's blocks for `partial` are its top-level submodules (features, classifier).
ONNX (--onnx): the graph has two named outputs, "logits" and "features" (the same pooled tensor), and
the sidecar names "features"; ONNX backbones are frozen feature extractors (linear_probe).
"""
import argparse
import json

import torch
import torchvision


class MobileNetV3Backbone(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.features = net.features
        self.avgpool = net.avgpool
        self.classifier = net.classifier

    def forward(self, x):
        return self.classifier(self.forward_features(x))

    @torch.jit.export
    def forward_features(self, x):
        return torch.flatten(self.avgpool(self.features(x)), 1)


class LogitsAndFeatures(torch.nn.Module):
    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone

    def forward(self, x):
        features = self.backbone.forward_features(x)
        return self.backbone.classifier(features), features


parser = argparse.ArgumentParser()
parser.add_argument("out_dir")
parser.add_argument("--variant", choices=["small", "large"], default="small")
parser.add_argument("--side", type=int, default=224)
parser.add_argument("--random", action="store_true")
parser.add_argument("--onnx", action="store_true")
args = parser.parse_args()

torch.manual_seed(0)
build = getattr(torchvision.models, f"mobilenet_v3_{args.variant}")
net = build(weights=None if args.random else "IMAGENET1K_V1")
model = MobileNetV3Backbone(net).eval()
name = f"mobilenet_v3_{args.variant}"
sidecar = {
    "width": args.side,
    "height": args.side,
    "channels": 3,
    "mean": [0.485, 0.456, 0.406],
    "std": [0.229, 0.224, 0.225],
}
if args.onnx:
    torch.onnx.export(
        LogitsAndFeatures(model).eval(),
        torch.rand(1, 3, args.side, args.side),
        f"{args.out_dir}/{name}.onnx",
        opset_version=13,
        input_names=["image"],
        output_names=["logits", "features"],
        dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}, "features": {0: "batch"}},
    )
    sidecar["output"] = "features"
    written = f"{args.out_dir}/{name}.onnx"
else:
    torch.jit.script(model).save(f"{args.out_dir}/{name}.pt")
    sidecar["output"] = "forward_features"
    written = f"{args.out_dir}/{name}.pt"
with open(f"{args.out_dir}/{name}.json", "w") as f:
    json.dump(sidecar, f)
print(written, sum(p.numel() for p in model.parameters()), "parameters")
