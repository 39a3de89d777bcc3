"""Optimizers. Each updates the network's one flat parameter buffer in place.

The formulas follow the course notes:

* SGD: θ ← θ - α∇L (batch, mini-batch and per-sample GD are just batch sizes)
* momentum: V ← βV + α∇L ; θ ← θ - V
* Adam: V ← β1 V + (1-β1)∇L ; U ← β2 U + (1-β2)∇L² ; θ ← θ - α V̂ / (√Û + ε)

State (``slots``) is a dict of arrays the size of the parameter buffer plus an iteration
count, so it can be inspected, saved and restored for an exact resume.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from simulator.backend import Backend, to_numpy
from simulator.errors import ModelFileError, SpecError

Array = Any
_OPTIMIZERS: dict[str, type[Optimizer]] = {}


def _register(cls: type[Optimizer]) -> type[Optimizer]:
    _OPTIMIZERS[cls.name] = cls
    return cls


def _number(value: object, key: str, low: float, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
        raise SpecError(f"optimizer '{key}' must be a number, got {value!r}")
    value = float(value)
    if value < low or (high is not None and value >= high) or not np.isfinite(value):
        upper = f" and < {high}" if high is not None else ""
        raise SpecError(f"optimizer '{key}' must be >= {low}{upper}, got {value!r}")
    return value


class Optimizer:
    name: ClassVar[str] = ""
    #: Names of the per-parameter state arrays.
    slot_names: ClassVar[tuple[str, ...]] = ()

    def __init__(self, learning_rate: float = 0.01) -> None:
        self.learning_rate = _number(learning_rate, "learning_rate", 0.0)
        self.iterations = 0
        self.slots: dict[str, Array] = {}

    def build(self, size: int, backend: Backend) -> None:
        self.backend = backend
        self.slots = {k: backend.xp.zeros(size, dtype=backend.dtype) for k in self.slot_names}

    def step(self, params: Array, grads: Array, lr: float) -> None:
        """Update ``params`` in place from ``grads`` with learning rate ``lr``."""
        self.iterations += 1
        self._update(params, grads, lr)

    def _update(self, params: Array, grads: Array, lr: float) -> None:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {"type": self.name, "learning_rate": self.learning_rate}

    def state_dict(self) -> dict[str, Any]:
        return {"iterations": self.iterations,
                "slots": {k: to_numpy(v) for k, v in self.slots.items()}}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        slots = state.get("slots", {})
        if set(slots) != set(self.slots):
            raise ModelFileError(
                f"optimizer state has slots {sorted(slots)}, {self.name} needs "
                f"{sorted(self.slots)}"
            )
        for key, value in slots.items():
            if value.shape != self.slots[key].shape:
                raise ModelFileError(
                    f"optimizer slot '{key}' has shape {value.shape}, expected "
                    f"{self.slots[key].shape}"
                )
        for key, value in slots.items():
            self.slots[key][...] = self.backend.asarray(value)
        self.iterations = int(state.get("iterations", 0))


@_register
class SGD(Optimizer):
    """Gradient descent, optionally with momentum (the course's form) or Nesterov momentum."""

    name = "sgd"

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0,
                 nesterov: bool = False) -> None:
        super().__init__(learning_rate)
        self.momentum = _number(momentum, "momentum", 0.0, 1.0)
        self.nesterov = bool(nesterov)
        self.slot_names = ("velocity",) if self.momentum else ()

    def _update(self, params: Array, grads: Array, lr: float) -> None:
        if not self.momentum:
            params -= lr * grads
            return
        v = self.slots["velocity"]
        v *= self.momentum
        v += lr * grads                      # V = βV + α∇L
        if self.nesterov:                    # look ahead: θ -= βV + α∇L
            params -= self.momentum * v + lr * grads
        else:
            params -= v                      # θ = θ - V

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if self.momentum:
            config["momentum"] = self.momentum
        if self.nesterov:
            config["nesterov"] = True
        return config


@_register
class Adam(Optimizer):
    """Adaptive moment estimation with bias correction (β1, β2, ε as in the course)."""

    name = "adam"
    slot_names = ("m", "v")

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-8) -> None:
        super().__init__(learning_rate)
        self.beta_1 = _number(beta_1, "beta_1", 0.0, 1.0)
        self.beta_2 = _number(beta_2, "beta_2", 0.0, 1.0)
        self.epsilon = _number(epsilon, "epsilon", 0.0)

    def _update(self, params: Array, grads: Array, lr: float) -> None:
        m, v, t = self.slots["m"], self.slots["v"], self.iterations
        m *= self.beta_1
        m += (1.0 - self.beta_1) * grads
        v *= self.beta_2
        v += (1.0 - self.beta_2) * (grads * grads)
        step = lr * np.sqrt(1.0 - self.beta_2**t) / (1.0 - self.beta_1**t)
        # θ -= α m̂ / (√v̂ + ε), with the bias corrections folded into the step size and ε
        denom = self.backend.xp.sqrt(v)
        denom += self.epsilon * np.sqrt(1.0 - self.beta_2**t)
        params -= step * (m / denom)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


def optimizer_names() -> list[str]:
    return sorted(_OPTIMIZERS)


def get_optimizer(spec: str | dict[str, Any] | Optimizer) -> Optimizer:
    """Build an optimizer from ``"adam"`` or ``{"type": "sgd", "learning_rate": 0.1, ...}``."""
    if isinstance(spec, Optimizer):
        return spec
    options = dict(spec) if isinstance(spec, dict) else {"type": spec}
    name = str(options.pop("type", "sgd")).lower()
    if name not in _OPTIMIZERS:
        raise SpecError(f"unknown optimizer {name!r}; use one of: {', '.join(optimizer_names())}")
    try:
        return _OPTIMIZERS[name](**options)
    except TypeError as exc:
        raise SpecError(f"optimizer {name!r}: invalid options ({exc})") from None
