"""One SGD step of the MLP 784-512-256-10 (ReLU, softmax cross-entropy, batch 128) in numpy/OpenBLAS,
float32, written out by hand: the reference the foundation issue compares gradwell's wasm step with.
Prints JSON: {"median_ms": ..., "runs": ..., "numpy": version, "blas": name}."""
import json
import sys
import time

import numpy as np


def main(runs: int = 20, warmup: int = 3) -> None:
    rng = np.random.default_rng(1)
    sizes = [784, 512, 256, 10]
    weights = [(rng.uniform(-1, 1, (i, o)) * np.sqrt(6 / (i + o))).astype(np.float32) for i, o in zip(sizes, sizes[1:])]
    biases = [np.zeros(o, np.float32) for o in sizes[1:]]
    x = rng.uniform(0, 1, (128, 784)).astype(np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 128)]
    lr = np.float32(0.01)

    def step() -> float:
        activations = [x]
        for w, b in zip(weights[:-1], biases[:-1]):
            activations.append(np.maximum(activations[-1] @ w + b, 0))
        logits = activations[-1] @ weights[-1] + biases[-1]
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -(labels * log_probs).sum() / len(x)
        delta = (np.exp(log_probs) - labels) / len(x)
        for layer in range(len(weights) - 1, -1, -1):
            grad_w = activations[layer].T @ delta
            grad_b = delta.sum(axis=0)
            if layer > 0:
                delta = (delta @ weights[layer].T) * (activations[layer] > 0)
            weights[layer] -= lr * grad_w
            biases[layer] -= lr * grad_b
        return float(loss)

    for _ in range(warmup):
        step()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    config = np.show_config(mode="dicts") if hasattr(np, "show_config") else {}
    blas = config.get("Build Dependencies", {}).get("blas", {}).get("name", "unknown") if isinstance(config, dict) else "unknown"
    print(json.dumps({"median_ms": float(np.median(times)), "runs": runs, "numpy": np.__version__, "blas": blas}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
