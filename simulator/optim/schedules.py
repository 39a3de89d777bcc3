"""Learning-rate schedules.

A schedule maps the 0-based index of an update (``step``) to a *multiplier* of the base
learning rate, so a teacher can change the base rate live (or reduce-on-plateau can lower it)
and the schedule keeps its shape. Epoch-based options count whole epochs,
``epoch = step // steps_per_epoch``. Schedules are pure functions of the step, so the UI can
draw one before training starts with :func:`preview`.

Configs (every key optional except ``type``)::

    {"type": "constant"}
    {"type": "step", "every_epochs": 5, "factor": 0.5}          # or "every_steps": 100
    {"type": "exponential", "decay_rate": 0.9}                 # per epoch, or "decay_steps": 100
    {"type": "cosine", "alpha": 0.0}                           # over "epochs"/"steps"/the run
    {"type": "warmup", "warmup_steps": 100, "then": {"type": "cosine"}}  # or "warmup_epochs"
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from simulator.checks import integer, number
from simulator.errors import SpecError
from simulator.registry import Registry

SCHEDULES: Registry[type[Schedule]] = Registry("schedule", default="constant")
_register = SCHEDULES.register()


def _positive_int(value: object, key: str, name: str) -> int:
    return integer(value, f"schedule {name!r}: '{key}'", low=1)


def _fraction(value: object, key: str, name: str, closed: bool = True) -> float:
    """A number in (0, 1] (or [0, 1] when ``closed`` is False and zero is allowed)."""
    return number(value, f"schedule {name!r}: '{key}'", low=0, high=1, low_open=closed)


def _length(steps: int | None, epochs: int | None, steps_per_epoch: int) -> int | None:
    if steps is not None:
        return steps
    if epochs is not None:
        return epochs * steps_per_epoch
    return None


class Schedule:
    name: ClassVar[str] = ""

    def factor(self, step: int, steps_per_epoch: int, total_steps: int | None = None) -> float:
        """Multiplier of the base learning rate for update ``step`` (0-based).

        ``total_steps`` is the length of the whole run; schedules that decay "over the run"
        (cosine without ``epochs``/``steps``) need it.
        """
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {"type": self.name}


@_register
class Constant(Schedule):
    name = "constant"

    def factor(self, step: int, steps_per_epoch: int, total_steps: int | None = None) -> float:
        return 1.0


@_register
class StepDecay(Schedule):
    """Multiply by ``factor`` every ``every_epochs`` epochs (or ``every_steps`` updates)."""

    name = "step"

    def __init__(self, factor: float = 0.5, every_epochs: int | None = None,
                 every_steps: int | None = None) -> None:
        if every_epochs is not None and every_steps is not None:
            raise SpecError("schedule 'step': give 'every_epochs' or 'every_steps', not both")
        self.decay = _fraction(factor, "factor", self.name)
        self.every_steps = None if every_steps is None else _positive_int(
            every_steps, "every_steps", self.name)
        self.every_epochs = None if every_steps is not None else _positive_int(
            5 if every_epochs is None else every_epochs, "every_epochs", self.name)

    def factor(self, step: int, steps_per_epoch: int, total_steps: int | None = None) -> float:
        period = _length(self.every_steps, self.every_epochs, steps_per_epoch) or 1
        return self.decay ** (step // period)

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"type": self.name, "factor": self.decay}
        if self.every_steps is not None:
            config["every_steps"] = self.every_steps
        else:
            config["every_epochs"] = self.every_epochs
        return config


@_register
class ExponentialDecay(Schedule):
    """``decay_rate ** (step / period)``, period = ``decay_steps`` or one epoch."""

    name = "exponential"

    def __init__(self, decay_rate: float = 0.9, decay_steps: int | None = None,
                 staircase: bool = False) -> None:
        self.decay_rate = _fraction(decay_rate, "decay_rate", self.name)
        self.decay_steps = None if decay_steps is None else _positive_int(
            decay_steps, "decay_steps", self.name)
        self.staircase = bool(staircase)

    def factor(self, step: int, steps_per_epoch: int, total_steps: int | None = None) -> float:
        periods = step / (self.decay_steps or steps_per_epoch)
        return self.decay_rate ** (math.floor(periods) if self.staircase else periods)

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"type": self.name, "decay_rate": self.decay_rate}
        if self.decay_steps is not None:
            config["decay_steps"] = self.decay_steps
        if self.staircase:
            config["staircase"] = True
        return config


@_register
class CosineDecay(Schedule):
    """Half a cosine from 1 down to ``alpha`` over ``epochs``/``steps`` (default: the run)."""

    name = "cosine"

    def __init__(self, alpha: float = 0.0, epochs: int | None = None,
                 steps: int | None = None) -> None:
        if epochs is not None and steps is not None:
            raise SpecError("schedule 'cosine': give 'epochs' or 'steps', not both")
        self.alpha = _fraction(alpha, "alpha", self.name, closed=False)
        self.epochs = None if epochs is None else _positive_int(epochs, "epochs", self.name)
        self.steps = None if steps is None else _positive_int(steps, "steps", self.name)

    def factor(self, step: int, steps_per_epoch: int, total_steps: int | None = None) -> float:
        length = _length(self.steps, self.epochs, steps_per_epoch) or total_steps or 1
        progress = min(step, length) / length
        return self.alpha + (1.0 - self.alpha) * 0.5 * (1.0 + math.cos(math.pi * progress))

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"type": self.name, "alpha": self.alpha}
        if self.epochs is not None:
            config["epochs"] = self.epochs
        if self.steps is not None:
            config["steps"] = self.steps
        return config


@_register
class Warmup(Schedule):
    """Rise linearly to the base rate, ``(step + 1) / warmup``, then follow ``then``.

    The following schedule sees steps counted from the end of the warmup.
    """

    name = "warmup"

    def __init__(self, warmup_steps: int | None = None, warmup_epochs: int | None = None,
                 then: dict[str, Any] | str | None = None) -> None:
        if (warmup_steps is None) == (warmup_epochs is None):
            raise SpecError("schedule 'warmup': give exactly one of 'warmup_steps' or "
                            "'warmup_epochs'")
        self.warmup_steps = None if warmup_steps is None else _positive_int(
            warmup_steps, "warmup_steps", self.name)
        self.warmup_epochs = None if warmup_epochs is None else _positive_int(
            warmup_epochs, "warmup_epochs", self.name)
        self.then = get_schedule(then)
        if isinstance(self.then, Warmup):
            raise SpecError("schedule 'warmup': 'then' cannot be another warmup")

    def factor(self, step: int, steps_per_epoch: int, total_steps: int | None = None) -> float:
        warmup = _length(self.warmup_steps, self.warmup_epochs, steps_per_epoch) or 1
        if step < warmup:
            return (step + 1) / warmup
        rest = None if total_steps is None else max(total_steps - warmup, 1)
        return self.then.factor(step - warmup, steps_per_epoch, rest)

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"type": self.name}
        if self.warmup_steps is not None:
            config["warmup_steps"] = self.warmup_steps
        else:
            config["warmup_epochs"] = self.warmup_epochs
        config["then"] = self.then.get_config()
        return config


def schedule_names() -> list[str]:
    return sorted(SCHEDULES.names())


def get_schedule(spec: str | dict[str, Any] | Schedule | None) -> Schedule:
    """Build a schedule from ``None`` (constant), a name or a config dict."""
    if spec is None:
        return Constant()
    if isinstance(spec, Schedule):
        return spec
    return SCHEDULES.build(spec)


def preview(schedule: str | dict[str, Any] | Schedule | None, base_lr: float, epochs: int,
            steps_per_epoch: int) -> np.ndarray:
    """The learning rate of every update of a run (``epochs * steps_per_epoch`` values)."""
    sched = get_schedule(schedule)
    if epochs < 0 or steps_per_epoch < 1:
        raise SpecError(f"preview needs epochs >= 0 and steps_per_epoch >= 1, got {epochs} "
                        f"and {steps_per_epoch}")
    total = epochs * steps_per_epoch
    return np.array([base_lr * sched.factor(s, steps_per_epoch, total) for s in range(total)],
                    dtype=np.float64)
