"""Adam and Nadam: adaptive moment estimation (formulas in :mod:`simulator.optim.base`).

Nadam is Dozat's (2016) formula as PyTorch's ``torch.optim.NAdam`` and Keras's ``Nadam``
implement it, with their momentum schedule μ_t = β1 (1 - ½ · 0.96^(t ψ)), ψ the
``momentum_decay`` (0.004 in both).
"""

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
    """Adam with Nesterov momentum: the first moment looks one step ahead, with a momentum
    coefficient μ_t that warms up from about β1/2 towards β1."""

    name = "nadam"

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-8,
                 momentum_decay: float = 0.004) -> None:
        super().__init__(learning_rate, beta_1, beta_2, epsilon)
        self.momentum_decay = number(momentum_decay, "optimizer 'momentum_decay'", low=0)
        # Π μ_i for i ≤ _product_step: a function of the step alone, so it is recomputed
        # (not stored) when a saved state is loaded.
        self._product, self._product_step = 1.0, 0

    def _mu(self, t: int) -> float:
        return self.beta_1 * (1.0 - 0.5 * 0.96 ** (t * self.momentum_decay))

    def _coefficients(self) -> tuple[float, float]:
        """(weight of g, weight of V) in this step's update, before the division by √Û + ε."""
        t = self.iterations
        if self._product_step == t - 1:
            self._product *= self._mu(t)
        elif self._product_step != t:
            self._product = 1.0
            for i in range(1, t + 1):
                self._product *= self._mu(i)
        self._product_step = t
        mu, mu_next = self._mu(t), self._mu(t + 1)
        return ((1.0 - mu) / (1.0 - self._product),
                mu_next / (1.0 - self._product * mu_next))

    def _update(self, params: Array, grads: Array, lr: float, slots: Slots,
                scratch: list[Array]) -> None:
        xp, tmp = self.backend.xp, scratch[1]
        den = self._moments(grads, slots, scratch)
        of_grad, of_moment = self._coefficients()
        xp.multiply(slots["m"], of_moment, out=tmp)      # μ_{t+1} V / (1 - Π_{i≤t+1} μ_i)
        tmp += of_grad * grads                           # + (1 - μ_t) g / (1 - Π_{i≤t} μ_i)
        tmp /= den
        tmp *= lr
        params -= tmp

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "momentum_decay": self.momentum_decay}
