"""The same all-MiniLM-L6-v2 classifier in Debian's PyTorch 1.13, built from the weights the Java side
exported (bench/minilm_finetune.sh), to time full fine-tuning steps side by side with DJL.

Not part of the build. Checks first that its pooled output equals DJL's on the exported probe, so both
sides time the same model.
    /usr/bin/python3 bench/minilm_torch_peer.py WEIGHTS STEPS THREADS
"""
import math
import os
import struct
import sys
import time

import numpy as np
import torch
from torch import nn


def read_weights(path):
    tensors = {}
    with open(path, "rb") as f:
        assert f.read(4) == b"STW1", "not a streamtune weight file"
        (count,) = struct.unpack(">i", f.read(4))
        for _ in range(count + 1):  # the parameters, then the probe
            (name_len,) = struct.unpack(">i", f.read(4))
            name = f.read(name_len).decode("utf-8")
            (rank,) = struct.unpack(">i", f.read(4))
            dims = struct.unpack(">" + "q" * rank, f.read(8 * rank))
            size = int(np.prod(dims))
            data = np.frombuffer(f.read(4 * size), dtype="<f4").reshape(dims)
            tensors[name] = torch.from_numpy(data.copy())
    return tensors


class Layer(nn.Module):
    def __init__(self, hidden=384, heads=12, inner=1536, eps=1e-12, dropout=0.1):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.attention_output = nn.Linear(hidden, hidden)
        self.attention_norm = nn.LayerNorm(hidden, eps=eps)
        self.intermediate = nn.Linear(hidden, inner)
        self.output = nn.Linear(inner, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=eps)
        self.dropout = nn.Dropout(dropout)

    def split(self, x):
        b, t, h = x.shape
        return x.view(b, t, self.heads, h // self.heads).transpose(1, 2)

    def forward(self, x, bias):
        b, t, h = x.shape
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(h // self.heads) + bias
        context = (self.dropout(scores.softmax(-1)) @ v).transpose(1, 2).reshape(b, t, h)
        x = self.attention_norm(self.dropout(self.attention_output(context)) + x)
        inner = nn.functional.gelu(self.intermediate(x))  # exact (erf) GELU
        return self.output_norm(self.dropout(self.output(inner)) + x)


class MiniLmClassifier(nn.Module):
    def __init__(self, classes=2, dropout=0.1):
        super().__init__()
        self.words = nn.Embedding(30522, 384)
        self.positions = nn.Embedding(512, 384)
        self.types = nn.Embedding(2, 384)
        self.norm = nn.LayerNorm(384, eps=1e-12)
        self.dropout = nn.Dropout(dropout)
        self.layers = nn.ModuleList([Layer(dropout=dropout) for _ in range(6)])
        self.head = nn.Linear(384, classes)

    def encode(self, ids, mask, types):
        t = ids.shape[1]
        x = self.words(ids) + self.types(types) + self.positions(torch.arange(t))[None]
        x = self.dropout(self.norm(x))
        bias = (1.0 - mask.float())[:, None, None, :] * -10000.0
        for layer in self.layers:
            x = layer(x, bias)
        w = mask.float()[:, :, None]
        return (x * w).sum(1) / w.sum(1).clamp(min=1)

    def forward(self, ids, mask, types):
        return self.head(self.dropout(self.encode(ids, mask, types)))

    def load(self, t):
        with torch.no_grad():
            self.words.weight.copy_(t["embeddings.word_embeddings.weight"])
            self.positions.weight.copy_(t["embeddings.position_embeddings.weight"])
            self.types.weight.copy_(t["embeddings.token_type_embeddings.weight"])
            self.norm.weight.copy_(t["embeddings.LayerNorm.weight"])
            self.norm.bias.copy_(t["embeddings.LayerNorm.bias"])
            for i, layer in enumerate(self.layers):
                p = "encoder.layer.%d." % i
                pairs = [
                    (layer.query, "attention.self.query"), (layer.key, "attention.self.key"),
                    (layer.value, "attention.self.value"), (layer.attention_output, "attention.output.dense"),
                    (layer.intermediate, "intermediate.dense"), (layer.output, "output.dense"),
                    (layer.attention_norm, "attention.output.LayerNorm"), (layer.output_norm, "output.LayerNorm"),
                ]
                for module, name in pairs:
                    module.weight.copy_(t[p + name + ".weight"])
                    module.bias.copy_(t[p + name + ".bias"])


def synthetic_ids(rows, length):
    """FineTuneBenchmark.syntheticIds: the same 64-bit LCG."""
    ids = np.zeros(rows * length, dtype=np.int64)
    state = 12345
    for i in range(ids.size):
        state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        ids[i] = 1000 + ((state >> 33) % 20000)
    ids = ids.reshape(rows, length)
    ids[:, 0] = 101
    ids[:, -1] = 102
    return torch.from_numpy(ids)


def main():
    weights, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    tensors = read_weights(weights)
    model = MiniLmClassifier()
    model.load(tensors)
    model.eval()
    ids = synthetic_ids(2, 16)
    with torch.no_grad():
        pooled = model.encode(ids, torch.ones_like(ids), torch.zeros_like(ids))
    diff = (pooled - tensors["probe.pooled"]).abs().max().item()
    print("PyTorch peer: pooled output vs DJL on the probe, max |difference| %.3g" % diff)
    assert diff < 1e-4, "the peer does not compute the same model"

    rows, length = 16, 128
    ids = synthetic_ids(rows, length)
    mask, types = torch.ones_like(ids), torch.zeros_like(ids)
    labels = torch.arange(rows) % 2
    decay = [p for n, p in model.named_parameters() if n.endswith("weight") and "norm" not in n]
    rest = [p for n, p in model.named_parameters() if not (n.endswith("weight") and "norm" not in n)]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}], lr=5e-5)
    model.train()

    def step():
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(ids, mask, types), labels)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.item()

    for _ in range(2):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    print("PyTorch %s (%d threads): full fine-tuning, batch %d x %d tokens: %.3f steps/s (%.2f s/step over %d steps)"
          % (torch.__version__, threads, rows, length, steps / seconds, seconds / steps, steps))

    profile_dir = os.environ.get("PROFILE_DIR")
    if profile_dir:
        # two more steps under the profiler, after the timed ones (the profiler slows them)
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
            for _ in range(2):
                step()
        with open(os.path.join(profile_dir, "torch_ops.csv"), "w") as out:
            out.write("name,self_us,calls\n")
            for e in prof.key_averages():
                out.write('"%s",%.1f,%d\n' % (e.key, e.self_cpu_time_total, e.count))


if __name__ == "__main__":
    main()
