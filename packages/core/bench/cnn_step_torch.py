#!/usr/bin/env python3
"""One SGD step of the benchmark CNN in PyTorch on the CPU: the reference of issue 20's CNN target.

conv3x3x32-relu-maxpool-conv3x3x64-relu-maxpool-dense128-relu-dense10, batch 64 of 28x28x1, softmax
cross-entropy, SGD 0.01 -- the model of models.mjs (PyTorch's own NCHW layout). Prints one JSON line:
the median step in ms after a warm-up, the torch version and the thread count.

  /usr/bin/python3 cnn_step_torch.py THREADS RUNS
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

threads, runs = int(sys.argv[1]), int(sys.argv[2])
torch.set_num_threads(threads)
torch.manual_seed(1)
model = nn.Sequential(
    nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10),
)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
x = torch.rand(64, 1, 28, 28)
y = torch.randint(0, 10, (64,))


def step():
    optimizer.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


for _ in range(10):
    step()
times = []
for _ in range(runs):
    start = time.perf_counter()
    step()
    times.append((time.perf_counter() - start) * 1000)
print(json.dumps({"median_ms": statistics.median(times), "torch": torch.__version__,
                  "threads": torch.get_num_threads(), "runs": runs}))
