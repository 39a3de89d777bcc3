"""Learning-rate schedules.

A schedule maps the global step (and the epoch) to a *multiplier* of the base learning rate,
so a teacher can change the base rate live and the schedule keeps its shape. Schedules are
pure functions of the step, so the UI can draw one before training starts.
"""

from __future__ import annotations

from typing import Any, ClassVar

from simulator.errors import SpecError

_SCHEDULES: dict[str, type[Schedule]] = {}


def _register(cls: type[Schedule]) -> type[Schedule]:
    _SCHEDULES[cls.name] = cls
    return cls


class Schedule:
    name: ClassVar[str] = ""

    def factor(self, step: int, epoch: int, steps_per_epoch: int) -> float:
        """Multiplier of the base learning rate at ``step`` (0-based) in ``epoch``."""
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {"type": self.name}


@_register
class Constant(Schedule):
    name = "constant"

    def factor(self, step: int, epoch: int, steps_per_epoch: int) -> float:
        return 1.0


def schedule_names() -> list[str]:
    return sorted(_SCHEDULES)


def get_schedule(spec: str | dict[str, Any] | Schedule | None) -> Schedule:
    if spec is None:
        return Constant()
    if isinstance(spec, Schedule):
        return spec
    options = dict(spec) if isinstance(spec, dict) else {"type": spec}
    name = str(options.pop("type", "constant")).lower()
    if name not in _SCHEDULES:
        raise SpecError(f"unknown schedule {name!r}; use one of: {', '.join(schedule_names())}")
    try:
        return _SCHEDULES[name](**options)
    except TypeError as exc:
        raise SpecError(f"schedule {name!r}: invalid options ({exc})") from None
