"""Train one network from a design on given arrays: the unit that tuning and ensembles repeat.

Kept apart from the Trainer so that experiments that train many networks (grid search, k-fold
cross-validation, bagging, boosting) share one short path with the same seeding rules.

Every experiment comes in two forms: a ``*_steps`` generator that also yields the
:class:`~simulator.training.events.BatchEnd` events of the network being trained (the app
shows progress from them, and pausing the generator pauses training within a batch), and a
plain form that yields results only. Both take a :class:`TrainerControl`: a stop request ends
the network being trained within one batch and then ends the whole experiment.
"""

from __future__ import annotations

import copy
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar, overload

import numpy as np

from simulator.network import Network, compile_network
from simulator.spec import NetworkSpec
from simulator.training.trainer import BatchEnd, Failed, Finished, Trainer, TrainerControl

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class RunResult:
    network: Network
    history: dict[str, list[float]]
    finished: bool          # trained to the end: False when the run diverged or was stopped
    message: str = ""
    stopped: bool = False   # a stop request ended it

    def final(self, metric: str) -> float:
        values = self.history.get(metric)
        if not values:
            raise KeyError(f"metric {metric!r} was not recorded; recorded: "
                           f"{', '.join(sorted(self.history)) or 'none'}")
        return float(values[-1])


def with_changes(spec: NetworkSpec, changes: dict[str, Any]) -> NetworkSpec:
    """A copy of ``spec`` with dotted-path values set, validated.

    Paths: ``"training.<key>"`` (``"training.optimizer.learning_rate"`` reaches into the
    optimizer), ``"layers.<layer name>.<config key>"``. Shorter paths are set first, so
    ``{"training.optimizer": {...}, "training.optimizer.learning_rate": 0.1}`` replaces the
    optimizer and then sets its learning rate, whatever the order of the keys.
    """
    data = copy.deepcopy(spec.to_dict())
    for path, value in sorted(changes.items(), key=lambda item: item[0].count(".")):
        parts = path.split(".")
        if parts[0] == "layers" and len(parts) == 3:
            target = next((layer for layer in data["layers"] if layer["name"] == parts[1]), None)
            if target is None:
                raise KeyError(f"no layer named {parts[1]!r} (from {path!r})")
            target[parts[2]] = copy.deepcopy(value)
        elif parts[0] == "training" and len(parts) >= 2:
            node = data["training"]
            for key in parts[1:-1]:
                if not isinstance(node.get(key), dict):
                    raise KeyError(f"{path!r}: 'training' has no section {key!r}")
                node = node[key]
            node[parts[-1]] = copy.deepcopy(value)
        else:
            raise KeyError(f"cannot set {path!r}: use 'training.<key>' or "
                           "'layers.<name>.<key>'")
    return NetworkSpec.from_dict(data)


def train_steps(
    spec: NetworkSpec,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray | None = None,
    y_val: np.ndarray | None = None,
    seed: int | None = None,
    backend: str = "numpy",
    control: TrainerControl | None = None,
) -> Generator[BatchEnd, None, RunResult]:
    """Build ``spec`` with its own seed (or ``seed``) and train it, yielding every batch;
    the generator's return value is the :class:`RunResult`."""
    seed = spec.training.seed if seed is None else seed
    rng = np.random.default_rng(seed)
    network = compile_network(spec, backend, rng=rng)
    trainer = Trainer(network, spec.training, x_train, y_train, x_val, y_val, rng=rng,
                      control=control)
    for event in trainer.run():
        if isinstance(event, BatchEnd):
            yield event
        elif isinstance(event, Failed):
            return RunResult(network, trainer.history, False, event.message)
        elif isinstance(event, Finished):
            stopped = event.reason == "stopped"
            return RunResult(network, event.history, not stopped, stopped=stopped)
    raise RuntimeError("the trainer ended without a Finished or Failed event")


def train_on_arrays(
    spec: NetworkSpec,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray | None = None,
    y_val: np.ndarray | None = None,
    seed: int | None = None,
    backend: str = "numpy",
    control: TrainerControl | None = None,
) -> RunResult:
    """Build ``spec`` with its own seed (or ``seed``) and train it to the end (or the stop)."""
    steps = train_steps(spec, x_train, y_train, x_val, y_val, seed, backend, control)
    while True:
        try:
            next(steps)
        except StopIteration as end:
            return end.value


@overload
def results_only(events: Iterable[Any], kind: type[T], /) -> Iterator[T]: ...
@overload
def results_only(events: Iterable[Any], kind: type[T], other: type[U], /) -> Iterator[T | U]: ...
def results_only(events: Iterable[Any], *kinds: type[Any]) -> Iterator[Any]:
    """The events of ``kinds`` from a ``*_steps`` generator (drops the batches)."""
    for event in events:
        if isinstance(event, kinds):
            yield event
