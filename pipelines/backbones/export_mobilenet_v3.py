"""Exports torchvision's MobileNetV3 as a TorchScript (or ONNX) image backbone for streamtune.

DJL 0.36's model zoos hold no MobileNet that its PyTorch engine loads (see docs/architecture.md,
"Image backbones"), so a MobileNet comes as a bring-your-own file:

    /usr/bin/python3 pipelines/backbones/export_mobilenet_v3.py OUT_DIR \
        [--variant small|large] [--side 224] [--random] [--onnx]

then `trainer.backbone: OUT_DIR/mobilenet_v3_small.pt` (or `.onnx`) in the pipeline spec. Needs torch
and torchvision (Debian's python3-torchvision, torch 1.13 / torchvision 0.14, or newer). Without
--random it loads torchvision's ImageNet weights (IMAGENET1K_V1, downloaded once by torchvision into
~/.cache/torch); --random keeps random weights (seed 0), enough for plumbing tests offline.

TorchScript: the module keeps its ImageNet classifier (forward returns the 1,000 logits) and has one
more method, forward_features: the flattened average pool (576 features for small, 960 for large), as
timm's models offer; torch.jit.trace_module traces both methods into the file (a scripted module
exports such a method with @torch.jit.export). The sidecar names that method ("output":
"forward_features"), so the new head reads the pooled features, not the logits. The module's blocks
for `partial` are its top-level submodules: the unused classifier first, then each feature stage.
ONNX (--onnx): the graph has two named outputs, "logits" and "features" (the same pooled tensor), and
the sidecar names "features"; ONNX backbones are frozen feature extractors (linear_probe).
"""
import argparse
import json

import torch
import torchvision


class MobileNetV3Backbone(torch.nn.Module):
    """torchvision's MobileNetV3 with its feature stages as top-level submodules.

    streamtune's `partial` and gradual unfreezing count a TorchScript module's top-level submodules
    in parameter order, so the ImageNet classifier (which forward_features does not run) comes
    first and each of the 13 (small) or 17 (large) stages of `features` is a block of its own:
    `unfreezeLastBlocks: 2` trains the last two stages.
    """

    def __init__(self, net):
        super().__init__()
        self.classifier = net.classifier
        self.stages = len(net.features)
        for i, stage in enumerate(net.features):
            setattr(self, f"stage{i}", stage)
        self.avgpool = net.avgpool

    def forward(self, x):
        return self.classifier(self.forward_features(x))

    def forward_features(self, x):
        for i in range(self.stages):
            x = getattr(self, f"stage{i}")(x)
        return torch.flatten(self.avgpool(x), 1)


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
    example = torch.rand(1, 3, args.side, args.side)
    # tracing both methods keeps forward_features as a method of the TorchScript module
    traced = torch.jit.trace_module(model, {"forward": example, "forward_features": example})
    traced.save(f"{args.out_dir}/{name}.pt")
    sidecar["output"] = "forward_features"
    written = f"{args.out_dir}/{name}.pt"
with open(f"{args.out_dir}/{name}.json", "w") as f:
    json.dump(sidecar, f)
print(written, sum(p.numel() for p in model.parameters()), "parameters")
