#!/usr/bin/env python3
"""Self time per operator from a libtorch profiler trace, and beside it PyTorch's own table.

  bench/op_profile.py DJL_TRACE.json TORCH_OPS.csv STEPS

DJL_TRACE.json: the Chrome trace DJL's PyTorch engine writes (JniUtils.startProfile/stopProfile);
TORCH_OPS.csv: name,self_us,calls from torch.profiler (bench/minilm_torch_peer.py with PROFILE_DIR).
Self time = an event's duration minus its children's on the same thread. Prints ms per step.
"""
import collections
import csv
import json
import sys


def djl_self_times(path):
    with open(path) as f:
        trace = json.load(f)
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            by_thread[e.get("tid")].append((float(e["ts"]), float(e["dur"]), e["name"]))
    self_us = collections.Counter()
    calls = collections.Counter()
    top_us = 0.0
    for spans in by_thread.values():
        spans.sort(key=lambda s: (s[0], -s[1]))
        # nested intervals: a stack of [end, name, duration, children's duration]
        stack = []
        for start, dur, name in spans:
            while stack and stack[-1][0] <= start:
                close(stack, self_us)
            if not stack:
                top_us += dur
            else:
                stack[-1][3] += dur
            stack.append([start + dur, name, dur, 0.0])
            calls[name] += 1
        while stack:
            close(stack, self_us)
    return self_us, calls, top_us


def close(stack, self_us):
    end, name, dur, children = stack.pop()
    self_us[name] += dur - children


def torch_self_times(path):
    self_us = collections.Counter()
    calls = collections.Counter()
    with open(path) as f:
        for row in csv.DictReader(f):
            self_us[row["name"]] += float(row["self_us"])
            calls[row["name"]] += int(row["calls"])
    return self_us, calls


def main():
    djl_trace, torch_csv, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    djl, djl_calls, djl_top = djl_self_times(djl_trace)
    torch_, torch_calls = torch_self_times(torch_csv)
    names = sorted(set(djl) | set(torch_), key=lambda n: -(djl.get(n, 0) + torch_.get(n, 0)))
    total_djl = sum(djl.values()) / 1000 / steps
    total_torch = sum(torch_.values()) / 1000 / steps
    print("ms per step, self time (an op's own time, children excluded); %d profiled steps per side" % steps)
    print("%-44s %10s %8s %10s %8s %9s" % ("operator", "DJL ms", "calls", "torch ms", "calls", "DJL-torch"))
    for name in names[:30]:
        d = djl.get(name, 0) / 1000 / steps
        t = torch_.get(name, 0) / 1000 / steps
        print("%-44s %10.1f %8d %10.1f %8d %+9.1f" % (name[:44], d, djl_calls.get(name, 0) // steps, t,
                                                     torch_calls.get(name, 0) // steps, d - t))
    print("%-44s %10.1f %8s %10.1f %8s %+9.1f" % ("all operators", total_djl, "", total_torch, "", total_djl - total_torch))
    print("DJL: time inside top-level operators %.1f ms per step (the rest of a step is Java and JNI)"
          % (djl_top / 1000 / steps))
    print("DJL operator calls per step: %d; PyTorch: %d" % (sum(djl_calls.values()) // steps,
                                                           sum(torch_calls.values()) // steps))


if __name__ == "__main__":
    main()
