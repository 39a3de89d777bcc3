"""The events a :class:`simulator.training.trainer.Trainer` yields, and its thread-safe control.

Events are small frozen dataclasses holding Python numbers and NumPy arrays only, so a worker
thread can hand them to the UI as they are. ``notes`` carry one-line explanations of what the
trainer decided on its own (a monitor falling back to the training metric, a learning-rate
reduction, early stopping), for a log panel or a status bar.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Started:
    epochs: int         # the epoch number the run ends at (1-based, counting earlier runs)
    steps_per_epoch: int
    n_train: int
    n_val: int
    n_params: int
    initial_epoch: int = 0      # epochs already completed before this run (resumed training)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchEnd:
    epoch: int          # 1-based
    batch: int          # 1-based within the epoch
    step: int           # global, 1-based
    loss: float
    learning_rate: float
    grad_norm: float = math.nan     # L2 norm of the gradient used (before clipping)


@dataclass(frozen=True)
class EpochEnd:
    epoch: int
    metrics: dict[str, float]
    learning_rate: float
    #: ``confusion[t, p]`` on the validation set (training set without one); classification only.
    confusion: np.ndarray | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    """Whatever the probes measured (NumPy arrays and floats only), sampled every so often."""

    epoch: int
    step: int
    data: dict[str, Any]


@dataclass(frozen=True)
class Kept:
    """What the epoch probes kept at an epoch end (``Trainer.epoch_probes``: a checkpoint, a
    timeline frame); only the probes that kept something, so most epochs yield none."""

    epoch: int
    step: int
    data: dict[str, Any]


@dataclass(frozen=True)
class Finished:
    reason: str         # "completed", "stopped", "early_stopping"
    epochs_completed: int
    history: dict[str, list[float]]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failed:
    reason: str         # "diverged"
    message: str
    epoch: int
    batch: int
    history: dict[str, list[float]] = field(default_factory=dict)


Event = Started | BatchEnd | EpochEnd | Snapshot | Kept | Finished | Failed


class TrainerControl:
    """Requests from another thread, read by the trainer between batches."""

    def __init__(self) -> None:
        self.stop_requested = False
        self.new_learning_rate: float | None = None
        #: Take a Snapshot after the next batch even if one was taken moments ago.
        self.snapshot_requested = False

    def stop(self) -> None:
        self.stop_requested = True

    def request_snapshot(self) -> None:
        """Have the trainer's probes measure the network right after the next batch."""
        self.snapshot_requested = True

    def set_learning_rate(self, value: float) -> None:
        """Set the base learning rate; the trainer applies it from the next batch on."""
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
            raise ValueError(f"learning rate must be a finite number >= 0, got {value!r}")
        self.new_learning_rate = float(value)
