"""Checkpoints of a run taken between epochs, on request, from the thread that trains.

A :class:`Checkpoint` is a self-contained copy (NumPy arrays and plain data only) of everything
needed to resume exactly: the weights and :meth:`Trainer.state_dict`. A
:class:`CheckpointProbe` is an epoch probe (``trainer.epoch_probes["checkpoint"]``): the trainer
calls it at every epoch end, in the training thread, and it answers ``None`` unless a
checkpoint was requested (from any thread, with :meth:`CheckpointProbe.request`); what it takes
comes in the trainer's ``Kept`` event. An epoch end is the one point where a resumed run
continues bit for bit. So an interface can
ask for a checkpoint while a run goes on without ever reading arrays that are being updated.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from simulator.network import Network
    from simulator.training.trainer import Trainer


@dataclass(frozen=True)
class Checkpoint:
    """A run at the end of epoch ``epoch`` (after ``step`` updates)."""

    epoch: int
    step: int
    weights: dict[str, np.ndarray]
    state: dict[str, Any]

    @property
    def history(self) -> dict[str, list[float]]:
        return {k: list(v) for k, v in self.state.get("history", {}).items()}


def take_checkpoint(trainer: Trainer, *, history: bool = True) -> Checkpoint:
    """A copy of ``trainer``'s run now (without its history when ``history`` is False); call
    it only from the thread that trains it."""
    state = trainer.state_dict(history=history)  # arrays are copies, the rest fresh plain data
    return Checkpoint(int(state["epoch"]), int(state["step"]), trainer.network.get_weights(),
                      state)


class CheckpointProbe:
    """A probe that takes a :class:`Checkpoint` at the first epoch boundary after a request."""

    def __init__(self, trainer: Trainer) -> None:
        self.trainer = trainer
        self._wanted = threading.Event()

    def request(self) -> None:
        """Ask for a checkpoint at the next epoch boundary (safe from any thread)."""
        self._wanted.set()

    @property
    def requested(self) -> bool:
        return self._wanted.is_set()

    def __call__(self, _network: Network) -> Checkpoint | None:
        trainer = self.trainer
        if not self._wanted.is_set() or trainer.completed_epochs != trainer.epoch:
            return None      # not asked for, or in the middle of an epoch
        self._wanted.clear()
        return take_checkpoint(trainer)
