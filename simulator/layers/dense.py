"""Dense (fully connected) layer: ``y = f(x · W + b)`` with W laid out ``[inputs][units]``.

Backward, from g = dL/dz: ``dW = xᵀ · g``, ``db = Σ_batch g``, ``dx = g · Wᵀ`` (skipped for
the first layer, whose input needs no gradient). ``dW`` and ``db`` are written with ``out=``
straight into the network's flat gradient buffer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator.backend import Array, Shape
from simulator.checks import integer
from simulator.errors import SpecError
from simulator.layers._weighted import WeightedLayer
from simulator.layers.base import register_layer


@register_layer("Dense", category="Core")
class Dense(WeightedLayer):
    """Every input connected to every unit; an optional activation applied after."""

    def __init__(
        self,
        units: int,
        activation: str | dict[str, Any] | None = "linear",
        use_bias: bool = True,
        kernel_initializer: str | dict[str, Any] = "glorot_uniform",
        bias_initializer: str | dict[str, Any] = "zeros",
        weights: list[Any] | None = None,
        bias: list[Any] | None = None,
        regularizer: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.units = integer(units, "'units'", low=1)
        self._init_weighted(activation, use_bias, kernel_initializer, bias_initializer,
                            weights, bias, regularizer)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        if len(input_shape) != 1:
            raise SpecError(
                f"Dense needs a flat input (features,), got shape {list(input_shape)}; "
                "add a Flatten layer before it"
            )
        return (self.units,)

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        shapes: dict[str, Shape] = {"W": (int(input_shape[0]), self.units)}
        if self.use_bias:
            shapes["b"] = (self.units,)
        return shapes

    def pre_activation(self, x: Array, training: bool = False) -> Array:
        z = x @ self.params["W"]
        if self.use_bias:
            z += self.params["b"]
        return z

    def forward(self, x: Array, training: bool = False) -> Array:
        self.x = x
        return self.activation.forward(self.pre_activation(x), self.xp, inplace=True)

    def user_params(self) -> dict[str, np.ndarray]:
        """``weights`` as the course writes W in σ(W x + b): one row per unit,
        ``[units][inputs]`` (the transpose of the ``[inputs][units]`` stored here)."""
        shown = super().user_params()
        shown["weights"] = np.ascontiguousarray(shown["weights"].T)
        return shown

    def backward_linear(self, grad_z: Array) -> Array:
        """Backward from d(loss)/d(z), z = x·W + b (the activation already accounted for)."""
        xp = self.xp
        xp.matmul(self.x.T, grad_z, out=self.grads["W"])
        if self.use_bias:
            grad_z.sum(axis=0, out=self.grads["b"])
        if not self.needs_input_grad:
            return None
        return grad_z @ self.params["W"].T

    def get_config(self) -> dict[str, Any]:
        return {"units": self.units, **self._weighted_config()}
