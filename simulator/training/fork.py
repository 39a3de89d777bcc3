"""Fork a run: from a checkpoint (a timeline frame), train on with other hyper-parameters.

:class:`ForkSettings` says what changes (the learning rate, the optimizer, the L2 strength, the
dropout rate; None keeps the run's own) and :func:`fork_trainer` builds a trainer for the
changed design at the checkpoint's state. Everything else is the run's: the weights, the step
and epoch, the shuffling and dropout random generators, the callbacks' state and the history
up to the checkpoint. So a fork with no change continues exactly as the run itself did.

The optimizer's state (momentum's velocity, Adam's moments and step count) is kept when the
optimizer kind is unchanged, whatever the new learning rate. A *changed* optimizer starts its
state fresh (zero moments, its own step count at 0): one optimizer's slots mean nothing to
another. A changed learning rate replaces the run's base rate (a schedule still scales it).
An L2 strength of 0 switches the global penalty off (a layer's own regularizer still wins, as in
any run); a dropout rate applies to every Dropout layer, and a network without one refuses it.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.backend import Array
from simulator.errors import ModelFileError, SpecError
from simulator.network import compile_network
from simulator.optim import get_optimizer, optimizer_names
from simulator.spec import NetworkSpec
from simulator.training.checkpoint import Checkpoint
from simulator.training.probes import Probe
from simulator.training.timeline import load_checkpoint
from simulator.training.trainer import Trainer, TrainerControl

SETTINGS = ("learning_rate", "optimizer", "l2", "dropout")


@dataclass(frozen=True)
class ForkSettings:
    """What a fork changes; None keeps the run's own value."""

    learning_rate: float | None = None
    optimizer: str | None = None
    l2: float | None = None
    dropout: float | None = None

    def __post_init__(self) -> None:
        lr, l2, rate = self.learning_rate, self.l2, self.dropout
        if lr is not None and not (_finite(lr) and lr > 0):
            raise SpecError(f"a fork's learning rate must be a positive number, got {lr!r}")
        if self.optimizer is not None and self.optimizer not in optimizer_names():
            raise SpecError(f"a fork's optimizer must be one of {', '.join(optimizer_names())}, "
                            f"got {self.optimizer!r}")
        if l2 is not None and not (_finite(l2) and l2 >= 0):
            raise SpecError(f"a fork's L2 strength must be 0 or more, got {l2!r}")
        if rate is not None and not (_finite(rate) and 0 <= rate < 1):
            raise SpecError(f"a fork's dropout rate must be from 0 up to (not including) 1, "
                            f"got {rate!r}")

    @property
    def changes(self) -> dict[str, Any]:
        """The settings that change, by name."""
        return {k: getattr(self, k) for k in SETTINGS if getattr(self, k) is not None}

    def describe(self) -> str:
        """"lr 0.01, adam" or "unchanged"."""
        names = {"learning_rate": "lr", "optimizer": "", "l2": "L2", "dropout": "dropout"}
        parts = [f"{names[k]} {v:g}" if isinstance(v, float) else str(v)
                 for k, v in self.changes.items()]
        return ", ".join(p.strip() for p in parts) or "unchanged"

    def to_dict(self) -> dict[str, Any]:
        return self.changes

    @classmethod
    def from_dict(cls, data: Any, what: str = "fork settings") -> ForkSettings:
        """Read :meth:`to_dict` output; anything else is a ModelFileError."""
        if not isinstance(data, dict):
            raise ModelFileError(f"{what} must be an object")
        unknown = sorted(set(data) - set(SETTINGS))
        if unknown:
            raise ModelFileError(f"{what}: unknown keys {unknown}; known: {', '.join(SETTINGS)}")
        values = dict(data)
        for key in ("learning_rate", "l2", "dropout"):
            if key in values and (isinstance(values[key], bool)
                                  or not isinstance(values[key], int | float)):
                raise ModelFileError(f"{what}: '{key}' must be a number")
            if key in values:
                values[key] = float(values[key])
        try:
            return cls(**values)
        except (SpecError, TypeError) as exc:
            raise ModelFileError(f"{what}: {exc}") from None

    def apply(self, spec: NetworkSpec) -> NetworkSpec:
        """A copy of ``spec`` with these settings (checked like any design: SpecError)."""
        data = copy.deepcopy(spec.to_dict())
        training = data["training"]
        if self.optimizer is not None and self.optimizer != training["optimizer"]["type"]:
            rate = training["optimizer"].get("learning_rate")
            training["optimizer"] = {"type": self.optimizer}
            if rate is not None:
                training["optimizer"]["learning_rate"] = rate
        if self.learning_rate is not None:
            training["optimizer"]["learning_rate"] = self.learning_rate
        if self.l2 is not None:
            regularizer = {k: v for k, v in (training.get("regularizer") or {}).items()
                           if k == "l1"}
            if self.l2 > 0:
                regularizer["l2"] = self.l2
            training["regularizer"] = regularizer or None
        if self.dropout is not None:
            dropouts = [layer for layer in data["layers"] if layer["type"] == "Dropout"]
            if not dropouts:
                raise SpecError("this network has no Dropout layer, so a fork cannot change "
                                "its dropout rate; leave the rate as it is or add a Dropout "
                                "layer to the design")
            for layer in dropouts:
                layer["rate"] = self.dropout
        return NetworkSpec.from_dict(data)


@dataclass
class ForkRun:
    """A fork as a project keeps it: the parent's step (and epoch) it left from, what it
    changed, its history (the parent's up to there, then its own) and its weights when it
    stopped. Only this is saved, not the fork's timeline, so a project stays small."""

    parent_step: int
    parent_epoch: int
    settings: ForkSettings
    history: dict[str, list[float | None]] = field(default_factory=dict)
    weights: dict[str, np.ndarray] | None = None

    @classmethod
    def of(cls, parent: Checkpoint, settings: ForkSettings, trainer: Trainer) -> ForkRun:
        """The record of ``trainer``, a fork of a run from its checkpoint ``parent``."""
        return cls(parent.step, parent.epoch, settings,
                   {k: list(v) for k, v in trainer.history.items()},
                   trainer.network.get_weights())


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def fork_state(checkpoint: Checkpoint, settings: ForkSettings, trainer: Trainer
               ) -> dict[str, Any]:
    """The checkpoint's training state as ``trainer`` (built for the forked design) continues
    it: the new base learning rate, and a fresh optimizer state if the optimizer changed."""
    state = dict(checkpoint.state)
    if settings.learning_rate is not None:
        state["base_learning_rate"] = float(settings.learning_rate)
    saved = state.get("optimizer")
    if not isinstance(saved, dict) or saved.get("type") != trainer.optimizer.state_dict()["type"]:
        fresh = get_optimizer(trainer.config.optimizer)
        fresh.build(trainer.network.param_count, trainer.network.backend)
        state["optimizer"] = fresh.state_dict()
        if settings.learning_rate is None:
            state["base_learning_rate"] = float(fresh.learning_rate)
    return state


def fork_trainer(parent: Trainer, checkpoint: Checkpoint, settings: ForkSettings, *,
                 probes: dict[str, Probe] | None = None,
                 snapshot_interval: float | None = None) -> Trainer:
    """A trainer that continues ``parent``'s run from ``checkpoint`` (taken from that run)
    with ``settings``, on the same data and backend, in a network of its own."""
    spec = settings.apply(parent.network.spec)
    network = compile_network(spec, parent.network.backend)
    trainer = Trainer(network, spec.training, *_data(parent), control=TrainerControl(),
                      probes=probes,
                      snapshot_interval=(parent.snapshot_interval if snapshot_interval is None
                                         else snapshot_interval))
    start_fork(trainer, checkpoint, settings)
    return trainer


def start_fork(trainer: Trainer, checkpoint: Checkpoint, settings: ForkSettings) -> None:
    """Put ``trainer`` (fresh, built for ``settings.apply(design)``) at ``checkpoint``."""
    load_checkpoint(trainer, Checkpoint(checkpoint.epoch, checkpoint.step, checkpoint.weights,
                                        fork_state(checkpoint, settings, trainer)))


def _data(parent: Trainer) -> tuple[Array, Array, Array | None, Array | None]:
    return parent.x_train, parent.y_train, parent.x_val, parent.y_val


__all__ = ["ForkRun", "ForkSettings", "fork_state", "fork_trainer", "start_fork"]
