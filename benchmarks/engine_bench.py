"""Training throughput of the engine on the reference workloads, as a ratio to PyTorch CPU.

    python benchmarks/engine_bench.py [--threads 1] [--reps 5] [--workloads mlp lenet toy]

Every engine figure goes through the real path a user's run takes: a ``NetworkSpec`` dict ->
``compile_network`` -> ``Trainer.run()`` (shuffling, batching, loss, backward, optimizer,
events). Each timed block is one ``run()`` over the training set; the trainer is given a
one-batch validation set so its per-epoch evaluation stays negligible (the PyTorch loop does
none). When ``import torch`` works, the same models train in PyTorch in the same process with
the same thread count, interleaved with the engine: every repetition runs one block of each,
in an order rotated by one per repetition, and the ratio reported is the median of the
per-repetition ratios. Both sides use the BLAS thread count given (threadpoolctl for NumPy,
``torch.set_num_threads``). Data are synthetic, from a fixed seed.

Workloads (as in the project's performance report):
  mlp    784-256-128-10 ReLU, softmax + cross-entropy, Adam(1e-3), batch 128, float32
  lenet  1x28x28: conv5x5 6 pad 2, ReLU, maxpool 2, conv5x5 16, ReLU, maxpool 2,
         FC120 ReLU, FC84 ReLU, FC10; SGD(0.01, momentum 0.9), batch 64
  toy    2-8-8-1 tanh (tanh output, MSE against ±1), SGD(0.03), batch 10, 500 points
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from simulator.network import compile_network
from simulator.spec import NetworkSpec
from simulator.training.trainer import Trainer


@dataclass
class Workload:
    name: str
    layers: list[dict[str, Any]]
    input_shape: list[int]
    training: dict[str, Any]
    n_samples: int
    epochs_per_block: int
    target: float


def _fc(units: int, activation: str = "relu") -> dict[str, Any]:
    return {"type": "Dense", "units": units, "activation": activation}


WORKLOADS = {
    "mlp": Workload("mlp", [_fc(256), _fc(128), _fc(10, "softmax")], [784],
                    {"loss": "cross_entropy", "batch_size": 128,
                     "optimizer": {"type": "adam", "learning_rate": 1e-3}}, 10240, 1, 1.3),
    "lenet": Workload("lenet", [
        {"type": "Conv2D", "filters": 6, "kernel_size": 5, "padding": 2, "activation": "relu"},
        {"type": "MaxPool2D", "pool_size": 2},
        {"type": "Conv2D", "filters": 16, "kernel_size": 5, "activation": "relu"},
        {"type": "MaxPool2D", "pool_size": 2},
        {"type": "Flatten"}, _fc(120), _fc(84), _fc(10, "softmax")], [1, 28, 28],
        {"loss": "cross_entropy", "batch_size": 64,
         "optimizer": {"type": "sgd", "learning_rate": 0.01, "momentum": 0.9}}, 5120, 1, 0.7),
    "toy": Workload("toy", [_fc(8, "tanh"), _fc(8, "tanh"), _fc(1, "tanh")], [2],
                    {"loss": "mse", "batch_size": 10,
                     "optimizer": {"type": "sgd", "learning_rate": 0.03}}, 500, 8, 4.0),
}


def make_data(work: Workload, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Blob-template images (10 classes, shifted ±4 px, noise σ = 1) or the 'circle' toy set."""
    rng = np.random.default_rng(seed)
    n = work.n_samples
    if work.name == "toy":
        x = rng.uniform(-1, 1, (n, 2)).astype(np.float32)
        y = np.where((x**2).sum(axis=1) < 0.5, 1.0, -1.0).astype(np.float32)[:, None]
        return x, y
    templates = np.zeros((10, 36, 36), np.float32)
    for k in range(10):
        for cy, cx in rng.integers(8, 28, (3, 2)):
            yy, xx = np.mgrid[:36, :36]
            templates[k] += np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 12.0)
    y = rng.integers(0, 10, n)
    shifts = rng.integers(0, 9, (n, 2))
    x = np.stack([templates[c, s:s + 28, t:t + 28] for c, (s, t) in zip(y, shifts, strict=True)])
    x += rng.normal(0, 1, x.shape).astype(np.float32)
    x = x[:, None] if work.name == "lenet" else x.reshape(n, -1)
    return x.astype(np.float32), y


def engine_block(work: Workload, x: np.ndarray, y: np.ndarray) -> Callable[[], float]:
    """A function training one block through the engine; returns its wall time."""
    training = {**work.training, "epochs": work.epochs_per_block, "seed": 0,
                "validation_split": 0.0}
    spec = NetworkSpec.from_dict({"input_shape": work.input_shape, "layers": work.layers,
                                  "training": training})
    net = compile_network(spec, "numpy")
    batch = work.training["batch_size"]
    trainer = Trainer(net, spec.training, x, y, x[:batch], y[:batch])

    def block() -> float:
        start = time.perf_counter()
        for _ in trainer.run():
            pass
        return time.perf_counter() - start

    return block


def torch_block(work: Workload, x: np.ndarray, y: np.ndarray) -> Callable[[], float]:
    import torch  # optional developer dependency
    from torch import nn

    torch.manual_seed(0)
    if work.name == "lenet":
        model = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    elif work.name == "mlp":
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                              nn.Linear(128, 10))
    else:
        model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(),
                              nn.Linear(8, 1), nn.Tanh())
    opt_cfg = work.training["optimizer"]
    if opt_cfg["type"] == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=opt_cfg["learning_rate"])
    else:
        opt = torch.optim.SGD(model.parameters(), lr=opt_cfg["learning_rate"],
                              momentum=opt_cfg.get("momentum", 0.0))
    loss_fn = nn.MSELoss() if work.name == "toy" else nn.CrossEntropyLoss()
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    batch, gen = work.training["batch_size"], torch.Generator().manual_seed(0)

    def block() -> float:
        start = time.perf_counter()
        for _ in range(work.epochs_per_block):
            order = torch.randperm(len(tx), generator=gen)
            xs, ys = tx[order], ty[order]
            for i in range(0, len(tx), batch):
                opt.zero_grad()
                loss = loss_fn(model(xs[i:i + batch]), ys[i:i + batch])
                loss.backward()
                opt.step()
                loss.item()
        return time.perf_counter() - start

    return block


def _summary(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} [{min(values):,.0f}-{max(values):,.0f}]"


def run(work: Workload, reps: int, threads: int, with_torch: bool) -> None:
    x, y = make_data(work)
    samples = work.n_samples * work.epochs_per_block
    variants = {"engine": engine_block(work, x, y)}
    if with_torch:
        import torch

        torch.set_num_threads(threads)
        variants["torch"] = torch_block(work, x, y)
    names = list(variants)
    for name in names:                                  # one untimed warm-up block each
        variants[name]()
    rates: dict[str, list[float]] = {name: [] for name in names}
    for rep in range(reps):
        order = names[rep % len(names):] + names[:rep % len(names)]
        for name in order:
            rates[name].append(samples / variants[name]())
    line = f"{work.name:6s} engine {_summary(rates['engine'])} samples/s"
    if with_torch:
        ratios = [e / t for e, t in zip(rates["engine"], rates["torch"], strict=True)]
        ratio = statistics.median(ratios)
        verdict = "meets" if ratio >= work.target else "BELOW"
        line += (f" | torch {_summary(rates['torch'])} samples/s | ratio {ratio:.2f} "
                 f"[{min(ratios):.2f}-{max(ratios):.2f}] ({verdict} target {work.target}x)")
    print(line, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (both sides)")
    parser.add_argument("--reps", type=int, default=5, help="timed blocks per variant")
    parser.add_argument("--workloads", nargs="+", choices=sorted(WORKLOADS),
                        default=["mlp", "lenet", "toy"])
    parser.add_argument("--no-torch", action="store_true", help="engine figures only")
    args = parser.parse_args(argv)
    with_torch = not args.no_torch
    if with_torch:
        try:
            import torch  # noqa: F401  (only checks that it is installed)
        except ImportError:
            with_torch = False
            print("torch is not installed: engine figures only (pip install torch==2.13.0 "
                  "for the ratios)")
    print(f"BLAS threads: {args.threads}, repetitions: {args.reps}")
    with threadpool_limits(limits=args.threads, user_api="blas"):
        for name in args.workloads:
            run(WORKLOADS[name], args.reps, args.threads, with_torch)


if __name__ == "__main__":
    main()
