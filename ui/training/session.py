"""Build a ready-to-run Trainer from a design and a dataset (in the GUI thread, quickly).

The probes given to the trainer run in the worker thread between batches and return NumPy
arrays, which is all the panels ever receive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.data import Dataset
from simulator.network import Network, compile_network
from simulator.spec import NetworkSpec
from simulator.training import Trainer, TrainerControl

GRID_RESOLUTION = 80


@dataclass
class TrainingSession:
    spec: NetworkSpec
    dataset: Dataset
    network: Network
    trainer: Trainer
    x_train: np.ndarray
    y_train: np.ndarray
    grid_bounds: tuple[float, float, float, float] | None = None


def _split(dataset: Dataset, spec: NetworkSpec) -> tuple[Any, Any, Any, Any, Any]:
    from simulator.data import prepare

    prepared = prepare(dataset, spec.training, spec.input_shape)
    return prepared.x_train, prepared.y_train, prepared.x_val, prepared.y_val, prepared


def decision_grid_probe(bounds: tuple[float, float, float, float], resolution: int):
    """A probe evaluating the network on a resolution² grid over ``bounds`` (x0, x1, y0, y1)."""
    x0, x1, y0, y1 = bounds
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)

    def probe(network: Network) -> dict[str, Any]:
        out = network.predict(grid)
        return {"grid": out.reshape(resolution, resolution, -1), "bounds": bounds}

    return probe


def build_session(spec: NetworkSpec, dataset: Dataset, backend: str = "numpy") -> TrainingSession:
    x_train, y_train, x_val, y_val, prepared = _split(dataset, spec)
    network = compile_network(spec, backend)
    probes = {}
    bounds = None
    if tuple(spec.input_shape) == (2,) and x_train.ndim == 2:
        pad = 0.1
        lo, hi = x_train.min(axis=0), x_train.max(axis=0)
        span = np.maximum(hi - lo, 1e-6)
        bounds = (float(lo[0] - pad * span[0]), float(hi[0] + pad * span[0]),
                  float(lo[1] - pad * span[1]), float(hi[1] + pad * span[1]))
        probes["decision"] = decision_grid_probe(bounds, GRID_RESOLUTION)
    trainer = Trainer(network, spec.training, x_train, y_train, x_val, y_val,
                      control=TrainerControl(), probes=probes, snapshot_interval=0.1)
    return TrainingSession(spec, dataset, network, trainer, x_train, y_train, bounds)
