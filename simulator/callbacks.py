"""Trainer callbacks: early stopping and reduce-on-plateau, as the course describes them.

* **Early stopping** stops the run when the monitored metric has not improved for
  ``patience`` epochs, and (by default) puts back the weights of the best epoch.
* **Reduce on plateau** multiplies the trainer's *base* learning rate by ``factor`` when the
  metric has not improved for ``patience`` epochs, never below ``min_lr`` (the course's
  defaults: monitor val_loss, factor 0.1, patience 10, min_lr 1e-6). A schedule keeps its
  shape on top of the lowered base rate.

Both are built from ``TrainingConfig.early_stopping`` / ``.reduce_on_plateau`` by
:func:`callbacks_from_config`. A ``val_*`` monitor falls back to the training metric when the
run has no validation set, and says so through ``trainer.note``. Their state (best value,
epochs waited, best weights) round-trips through ``state_dict`` / ``load_state_dict``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.checks import choice, integer, number
from simulator.errors import ModelFileError, SpecError

if TYPE_CHECKING:
    from simulator.training.trainer import Trainer


class Callback:
    """Hook called by the trainer; may call ``trainer.request_stop(reason)``."""

    def on_train_begin(self, trainer: Trainer) -> None:
        """Called at the start of every ``run()``, before the first batch."""

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        """Called after each epoch's metrics are known."""

    def on_train_end(self, trainer: Trainer) -> None:
        """Called once after the last epoch (also after a stop)."""

    def state_dict(self) -> dict[str, Any]:
        """JSON-safe state (NumPy arrays allowed) needed to resume exactly."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` output."""


class MonitorCallback(Callback):
    """Shared logic: watch one metric, count epochs without improvement."""

    owner = "monitor"

    def __init__(self, monitor: str, min_delta: float, mode: str) -> None:
        if not isinstance(monitor, str) or not monitor:
            raise SpecError(f"{self.owner} 'monitor' must be a metric name such as "
                            f"'val_loss', got {monitor!r}")
        self.mode = choice(mode, f"{self.owner} 'mode'", ("auto", "min", "max"))
        self.requested = monitor
        self.monitor = monitor
        self.min_delta = number(min_delta, f"{self.owner} 'min_delta'", low=0)
        self.best: float | None = None
        self.wait = 0

    def _epochs(self, value: object, key: str, error: type[SpecError | ModelFileError] = SpecError
                ) -> int:
        """A count of epochs (>= 0) named ``<owner> <key>``."""
        return integer(value, f"{self.owner} {key}", low=0, hint="epochs", error=error)

    @property
    def maximize(self) -> bool:
        if self.mode != "auto":
            return self.mode == "max"
        return "acc" in self.monitor

    def resolve(self, available: list[str], has_validation: bool) -> str | None:
        """Pick the metric to watch; return a note when falling back. SpecError if absent."""
        self.monitor = self.requested
        note = None
        if self.monitor.startswith("val_") and not has_validation:
            self.monitor = self.monitor[4:]
            note = (f"{self.owner} watches '{self.monitor}' instead of '{self.requested}' "
                    "because this run has no validation set")
        if self.monitor not in available:
            raise SpecError(f"{self.owner} cannot watch {self.requested!r}: this run reports "
                            f"{', '.join(available)}")
        return note

    def improved(self, value: float) -> bool:
        if self.best is None:
            return math.isfinite(value)
        if self.maximize:
            return value > self.best + self.min_delta
        return value < self.best - self.min_delta

    def on_train_begin(self, trainer: Trainer) -> None:
        note = self.resolve(trainer.metric_names, trainer.x_val is not None)
        if note:
            trainer.note(note)

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best, "wait": self.wait}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        best = state.get("best")
        self.best = None if best is None else number(
            best, f"{self.owner} state 'best'", error=ModelFileError)
        self.wait = self._epochs(state.get("wait", 0), "state 'wait'", ModelFileError)


class EarlyStopping(MonitorCallback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs."""

    owner = "early_stopping"

    def __init__(self, monitor: str = "val_loss", patience: int = 5, min_delta: float = 0.0,
                 mode: str = "auto", restore_best_weights: bool = True) -> None:
        super().__init__(monitor, min_delta, mode)
        self.patience = self._epochs(patience, "'patience'")
        self.restore_best_weights = bool(restore_best_weights)
        self.best_epoch = 0
        self.best_weights: dict[str, np.ndarray] | None = None

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        value = logs[self.monitor]
        if self.improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = trainer.network.get_weights()
            return
        self.wait += 1
        if self.wait < self.patience and self.best is not None:
            return
        message = (f"early stopping at epoch {epoch}: {self.monitor} has not improved for "
                   f"{self.wait} epoch(s)")
        if self.restore_best_weights and self.best_weights is not None:
            trainer.network.set_weights(self.best_weights)
            message += f"; restored the weights of epoch {self.best_epoch} " \
                       f"({self.monitor} = {self.best:.6g})"
        trainer.note(message)
        trainer.request_stop("early_stopping")

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "best_epoch": self.best_epoch,
                "best_weights": None if self.best_weights is None else dict(self.best_weights)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.best_epoch = self._epochs(state.get("best_epoch", 0), "state 'best_epoch'",
                                       ModelFileError)
        weights = state.get("best_weights")
        self.best_weights = None if weights is None else {
            k: np.array(v) for k, v in weights.items()}


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the base learning rate by ``factor`` after ``patience`` epochs of no progress."""

    owner = "reduce_on_plateau"

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 min_lr: float = 1e-6, min_delta: float = 1e-4, cooldown: int = 0,
                 mode: str = "auto") -> None:
        super().__init__(monitor, min_delta, mode)
        self.factor = number(factor, f"{self.owner} 'factor'", low=0, high=1, low_open=True,
                             high_open=True)
        self.patience = self._epochs(patience, "'patience'")
        self.min_lr = number(min_lr, f"{self.owner} 'min_lr'", low=0)
        self.cooldown = self._epochs(cooldown, "'cooldown'")
        self.cooldown_left = 0

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        value = logs[self.monitor]
        if self.cooldown_left > 0:
            self.cooldown_left -= 1
            self.wait = 0
        if self.improved(value):
            self.best, self.wait = value, 0
            return
        if self.cooldown_left > 0:
            return
        self.wait += 1
        if self.wait < max(self.patience, 1):
            return
        self.wait = 0
        old = trainer.base_learning_rate
        new = max(old * self.factor, self.min_lr)
        if new < old:
            trainer.base_learning_rate = new
            self.cooldown_left = self.cooldown
            trainer.note(f"reduce on plateau at epoch {epoch}: {self.monitor} has not improved "
                         f"for {self.patience} epoch(s); base learning rate {old:.3g} -> "
                         f"{new:.3g}")

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "cooldown_left": self.cooldown_left}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.cooldown_left = self._epochs(state.get("cooldown_left", 0), "state 'cooldown_left'",
                                          ModelFileError)


def _build(cls: type[MonitorCallback], options: Any, key: str) -> MonitorCallback:
    if not isinstance(options, dict):
        raise SpecError(f"training '{key}' must be an object such as {{\"patience\": 5}} or "
                        f"null, got {options!r}")
    try:
        return cls(**options)
    except TypeError as exc:
        raise SpecError(f"training '{key}': invalid options ({exc})") from None


def callbacks_from_config(config: Any) -> list[Callback]:
    """The callbacks a :class:`TrainingConfig` asks for (reduce-on-plateau first)."""
    result: list[Callback] = []
    if config.reduce_on_plateau is not None:
        result.append(_build(ReduceLROnPlateau, config.reduce_on_plateau, "reduce_on_plateau"))
    if config.early_stopping is not None:
        result.append(_build(EarlyStopping, config.early_stopping, "early_stopping"))
    return result
