"""Dropout (inverted): during training each value is kept with probability 1 - rate and
scaled by 1 / (1 - rate), so the expected output equals the input; at inference the layer is
the identity and nothing needs rescaling.

    y = x · m / (1 - rate),   m_i ~ Bernoulli(1 - rate),   dL/dx = dL/dy · m / (1 - rate)

The mask is drawn on the host from the run's seeded ``numpy.random.Generator`` (the one
``build`` receives), always in float64 whatever the compute dtype, so the same seed drops the
same units on every backend and dtype; on a GPU the mask is then moved over.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator.backend import Array, Backend, Shape
from simulator.checks import number
from simulator.layers.base import Layer, register_layer


@register_layer("Dropout", category="Regularization")
class Dropout(Layer):
    """Randomly silence a fraction ``rate`` of the values while training."""

    def __init__(self, rate: float = 0.5) -> None:
        super().__init__()
        self.rate = number(rate, "Dropout 'rate'", low=0, high=1, high_open=True)
        self.mask: Array = None

    def build(self, input_shape: Shape, backend: Backend, rng: np.random.Generator) -> Shape:
        self.rng = rng
        return super().build(input_shape, backend, rng)

    def forward(self, x: Array, training: bool = False) -> Array:
        if not training or self.rate == 0.0:
            self.mask = None
            return x
        if self.rng is None or self.backend is None:
            raise RuntimeError("Dropout used before build()")
        keep = self.rng.random(x.shape) >= self.rate
        scaled = keep * (1.0 / (1.0 - self.rate))
        self.mask = self.backend.asarray(scaled, dtype=x.dtype)
        return x * self.mask

    def backward(self, grad_out: Array) -> Array:
        if not self.needs_input_grad:
            return None
        return grad_out if self.mask is None else grad_out * self.mask

    def get_config(self) -> dict[str, Any]:
        return {"rate": self.rate}
