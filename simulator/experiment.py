"""Train one network from a design on given arrays: the unit that tuning and ensembles repeat.

Kept apart from the Trainer so that experiments that train many networks (grid search, k-fold
cross-validation, bagging, boosting) share one short path with the same seeding rules.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.network import Network, compile_network
from simulator.spec import NetworkSpec
from simulator.training import Failed, Finished, Trainer


@dataclass(frozen=True)
class RunResult:
    network: Network
    history: dict[str, list[float]]
    finished: bool          # False when the run diverged
    message: str = ""

    def final(self, metric: str) -> float:
        values = self.history.get(metric)
        if not values:
            raise KeyError(f"metric {metric!r} was not recorded; recorded: "
                           f"{', '.join(sorted(self.history)) or 'none'}")
        return float(values[-1])


def with_changes(spec: NetworkSpec, changes: dict[str, Any]) -> NetworkSpec:
    """A copy of ``spec`` with dotted-path values set, validated.

    Paths: ``"training.<key>"`` (``"training.optimizer.learning_rate"`` reaches into the
    optimizer), ``"layers.<layer name>.<config key>"``.
    """
    data = copy.deepcopy(spec.to_dict())
    for path, value in changes.items():
        parts = path.split(".")
        if parts[0] == "layers" and len(parts) == 3:
            target = next((layer for layer in data["layers"] if layer["name"] == parts[1]), None)
            if target is None:
                raise KeyError(f"no layer named {parts[1]!r} (from {path!r})")
            target[parts[2]] = value
        elif parts[0] == "training" and len(parts) >= 2:
            node = data["training"]
            for key in parts[1:-1]:
                if not isinstance(node.get(key), dict):
                    raise KeyError(f"{path!r}: 'training' has no section {key!r}")
                node = node[key]
            node[parts[-1]] = value
        else:
            raise KeyError(f"cannot set {path!r}: use 'training.<key>' or "
                           "'layers.<name>.<key>'")
    return NetworkSpec.from_dict(data)


def train_on_arrays(
    spec: NetworkSpec,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray | None = None,
    y_val: np.ndarray | None = None,
    seed: int | None = None,
    backend: str = "numpy",
) -> RunResult:
    """Build ``spec`` with its own seed (or ``seed``) and train it to the end."""
    seed = spec.training.seed if seed is None else seed
    rng = np.random.default_rng(seed)
    network = compile_network(spec, backend, rng=rng)
    trainer = Trainer(network, spec.training, x_train, y_train, x_val, y_val, rng=rng)
    for event in trainer.run():
        if isinstance(event, Failed):
            return RunResult(network, trainer.history, False, event.message)
        if isinstance(event, Finished):
            return RunResult(network, event.history, True)
    raise RuntimeError("the trainer ended without a Finished or Failed event")
