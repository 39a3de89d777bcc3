"""Dense (fully connected) layer: ``a = σ(W x + b)``, the course's notation, with W laid out
``[units][inputs]``: one row of W per unit (PyTorch's ``nn.Linear`` uses the same layout).

A batch holds one sample per row, so the forward pass computes ``z = x · Wᵀ + b``. Backward,
from g = dL/dz: ``dW = gᵀ · x``, ``db = Σ_batch g``, ``dx = g · W`` (skipped for the first
layer, whose input needs no gradient). ``dW`` and ``db`` are written with ``out=`` straight
into the network's flat gradient buffer.
"""

from __future__ import annotations

from typing import Any

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
        shapes: dict[str, Shape] = {"W": (self.units, int(input_shape[0]))}
        if self.use_bias:
            shapes["b"] = (self.units,)
        return shapes

    def pre_activation(self, x: Array, training: bool = False) -> Array:
        z = x @ self.params["W"].T
        if self.use_bias:
            z += self.params["b"]
        return z

    def forward(self, x: Array, training: bool = False) -> Array:
        self.x = x
        return self.activation.forward(self.pre_activation(x), self.xp, inplace=True)

    def backward_linear(self, grad_z: Array) -> Array:
        """Backward from d(loss)/d(z), z = x·Wᵀ + b (the activation already accounted for)."""
        xp = self.xp
        xp.matmul(grad_z.T, self.x, out=self.grads["W"])
        if self.use_bias:
            grad_z.sum(axis=0, out=self.grads["b"])
        if not self.needs_input_grad:
            return None
        return grad_z @ self.params["W"]

    def get_config(self) -> dict[str, Any]:
        return {"units": self.units, **self._weighted_config()}
