# Writes tiny-conv.pt: a TorchScript image backbone for UserBackboneTest (run with Debian's
# /usr/bin/python3, torch 1.13): [N, 1, 28, 28] -> [N, 8, 14, 14].
import torch

torch.manual_seed(0)


class TinyConv(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 8, 3, padding=1)

    def forward(self, x):
        return torch.nn.functional.max_pool2d(torch.relu(self.conv(x)), 2)


torch.jit.script(TinyConv()).save("tiny-conv.pt")
