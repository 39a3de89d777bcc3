"""Adam and Nadam: adaptive moment estimation (formulas in :mod:`simulator.optim.base`)."""

from __future__ import annotations

from typing import Any

from simulator.backend import Array
from simulator.checks import number
from simulator.optim.base import OPTIMIZERS, Optimizer, Slots


@OPTIMIZERS.register()
class Adam(Optimizer):
    """Adaptive moment estimation with bias correction (β1, β2, ε as in the course)."""

    name = "adam"
    slot_names = ("m", "v")
    n_scratch = 2

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-8) -> None:
        super().__init__(learning_rate)
        self.beta_1 = number(beta_1, "optimizer 'beta_1'", low=0, high=1, high_open=True)
        self.beta_2 = number(beta_2, "optimizer 'beta_2'", low=0, high=1, high_open=True)
        self.epsilon = number(epsilon, "optimizer 'epsilon'", low=0)

    def _moments(self, grads: Array, slots: Slots, scratch: list[Array]) -> Array:
        """Update V and U in place; return the denominator √Û + ε (in scratch 0)."""
        xp, (den, tmp) = self.backend.xp, scratch
        m, v, t = slots["m"], slots["v"], self.iterations
        m *= self.beta_1
        xp.multiply(grads, 1.0 - self.beta_1, out=tmp)
        m += tmp                                         # V = β1 V + (1-β1) g
        v *= self.beta_2
        xp.multiply(grads, grads, out=tmp)
        tmp *= 1.0 - self.beta_2
        v += tmp                                         # U = β2 U + (1-β2) g²
        xp.multiply(v, 1.0 / (1.0 - self.beta_2**t), out=den)
        xp.sqrt(den, out=den)
        den += self.epsilon                              # √Û + ε
        return den

    def _update(self, params: Array, grads: Array, lr: float, slots: Slots,
                scratch: list[Array]) -> None:
        xp, tmp = self.backend.xp, scratch[1]
        den = self._moments(grads, slots, scratch)
        xp.divide(slots["m"], den, out=tmp)
        tmp *= lr / (1.0 - self.beta_1**self.iterations)     # α V̂ / (√Û + ε)
        params -= tmp

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


@OPTIMIZERS.register()
class Nadam(Adam):
    """Adam with Nesterov momentum: the first moment looks one step ahead."""

    name = "nadam"

    def _update(self, params: Array, grads: Array, lr: float, slots: Slots,
                scratch: list[Array]) -> None:
        xp, tmp = self.backend.xp, scratch[1]
        den = self._moments(grads, slots, scratch)
        correction = 1.0 - self.beta_1**self.iterations
        xp.multiply(slots["m"], self.beta_1 / correction, out=tmp)    # β1 V̂
        tmp += ((1.0 - self.beta_1) / correction) * grads                  # (1-β1) g/(1-β1^t)
        tmp /= den
        tmp *= lr
        params -= tmp
