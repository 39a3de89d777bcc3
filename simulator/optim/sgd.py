"""Gradient descent, with the course's momentum or Nesterov momentum (formulas in
:mod:`simulator.optim.base`)."""

from __future__ import annotations

from typing import Any

from simulator.backend import Array
from simulator.checks import number
from simulator.errors import SpecError
from simulator.optim.base import OPTIMIZERS, Optimizer, Slots


@OPTIMIZERS.register()
class SGD(Optimizer):
    """Gradient descent, optionally with momentum (the course's form) or Nesterov momentum."""

    name = "sgd"

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0,
                 nesterov: bool = False) -> None:
        super().__init__(learning_rate)
        self.momentum = number(momentum, "optimizer 'momentum'", low=0, high=1, high_open=True)
        if nesterov and not self.momentum:
            raise SpecError("optimizer 'nesterov' needs a 'momentum' > 0 (for example 0.9)")
        self.nesterov = bool(nesterov)
        self.slot_names = ("velocity",) if self.momentum else ()

    def _update(self, params: Array, grads: Array, lr: float, slots: Slots,
                scratch: list[Array]) -> None:
        xp, tmp = self.backend.xp, scratch[0]
        xp.multiply(grads, lr, out=tmp)                  # α g
        if not self.momentum:
            params -= tmp
            return
        v = slots["velocity"]
        v *= self.momentum
        v += tmp                                         # V = βV + α g
        if self.nesterov:
            tmp += self.momentum * v                     # βV + α g
            params -= tmp
        else:
            params -= v                                  # θ = θ - V

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if self.momentum:
            config["momentum"] = self.momentum
        if self.nesterov:
            config["nesterov"] = True
        return config
