"""RMSprop, Adagrad and Adadelta: step sizes adapted per parameter from past gradients.

Formulas in :mod:`simulator.optim.base`.
"""

from __future__ import annotations

from typing import Any

from simulator.backend import Array
from simulator.checks import number
from simulator.optim.base import OPTIMIZERS, Optimizer, Slots


@OPTIMIZERS.register()
class RMSprop(Optimizer):
    """Divide the step by a running root-mean-square of recent gradients."""

    name = "rmsprop"

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.9,
                 epsilon: float = 1e-7, momentum: float = 0.0) -> None:
        super().__init__(learning_rate)
        self.rho = number(rho, "optimizer 'rho'", low=0, high=1, high_open=True)
        self.epsilon = number(epsilon, "optimizer 'epsilon'", low=0)
        self.momentum = number(momentum, "optimizer 'momentum'", low=0, high=1, high_open=True)
        self.slot_names = ("mean_square", "momentum") if self.momentum else ("mean_square",)

    def _update(self, params: Array, grads: Array, lr: float, slots: Slots,
                scratch: list[Array]) -> None:
        xp, tmp = self.backend.xp, scratch[0]
        s = slots["mean_square"]
        s *= self.rho
        xp.multiply(grads, grads, out=tmp)
        tmp *= 1.0 - self.rho
        s += tmp                                         # S = ρS + (1-ρ) g²
        xp.sqrt(s, out=tmp)
        tmp += self.epsilon
        xp.divide(grads, tmp, out=tmp)
        tmp *= lr                                        # α g / (√S + ε)
        if self.momentum:
            mom = slots["momentum"]
            mom *= self.momentum
            mom += tmp
            params -= mom
        else:
            params -= tmp

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
        if self.momentum:
            config["momentum"] = self.momentum
        return config


@OPTIMIZERS.register()
class Adagrad(Optimizer):
    """Per-parameter step sizes shrinking with the sum of all past squared gradients."""

    name = "adagrad"
    slot_names = ("accumulator",)

    def __init__(self, learning_rate: float = 0.01, initial_accumulator: float = 0.1,
                 epsilon: float = 1e-7) -> None:
        super().__init__(learning_rate)
        self.initial_accumulator = number(initial_accumulator, "optimizer 'initial_accumulator'",
                                          low=0)
        self.epsilon = number(epsilon, "optimizer 'epsilon'", low=0)

    def _initial(self, slot: str) -> float:
        return self.initial_accumulator

    def _update(self, params: Array, grads: Array, lr: float, slots: Slots,
                scratch: list[Array]) -> None:
        xp, tmp = self.backend.xp, scratch[0]
        acc = slots["accumulator"]
        xp.multiply(grads, grads, out=tmp)
        acc += tmp                                       # G = G + g²
        xp.sqrt(acc, out=tmp)
        tmp += self.epsilon
        xp.divide(grads, tmp, out=tmp)
        tmp *= lr
        params -= tmp                                    # θ -= α g / (√G + ε)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "initial_accumulator": self.initial_accumulator,
                "epsilon": self.epsilon}


@OPTIMIZERS.register()
class Adadelta(Optimizer):
    """Step sizes from running averages of squared gradients and squared updates."""

    name = "adadelta"
    slot_names = ("mean_square_grad", "mean_square_delta")
    n_scratch = 2

    def __init__(self, learning_rate: float = 1.0, rho: float = 0.95,
                 epsilon: float = 1e-6) -> None:
        super().__init__(learning_rate)
        self.rho = number(rho, "optimizer 'rho'", low=0, high=1, high_open=True)
        self.epsilon = number(epsilon, "optimizer 'epsilon'", low=0)

    def _update(self, params: Array, grads: Array, lr: float, slots: Slots,
                scratch: list[Array]) -> None:
        xp, (delta, tmp) = self.backend.xp, scratch
        s, d = slots["mean_square_grad"], slots["mean_square_delta"]
        s *= self.rho
        xp.multiply(grads, grads, out=tmp)
        tmp *= 1.0 - self.rho
        s += tmp                                         # S = ρS + (1-ρ) g²
        xp.add(d, self.epsilon, out=delta)
        xp.add(s, self.epsilon, out=tmp)
        delta /= tmp
        xp.sqrt(delta, out=delta)
        delta *= grads                                   # Δ = √(D+ε)/√(S+ε) · g
        d *= self.rho
        xp.multiply(delta, delta, out=tmp)
        tmp *= 1.0 - self.rho
        d += tmp                                         # D = ρD + (1-ρ) Δ²
        delta *= lr
        params -= delta

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
