"""Activation layers: Linear, Sigmoid, Tanh, ReLU, LeakyReLU and Softmax as standalone layers.

They wrap the functions in :mod:`simulator.activations` (which Dense and Conv2D also use via
their ``activation`` option), so each formula exists once.
"""

from __future__ import annotations

from typing import Any

from simulator import activations as act
from simulator.backend import Array
from simulator.layers.base import Layer, register_layer


class ActivationLayer(Layer):
    """A parameter-free layer applying one activation function."""

    function_name = "linear"

    def __init__(self) -> None:
        super().__init__()
        self.activation = act.get_activation(self.function_name)

    def forward(self, x: Array, training: bool = False) -> Array:
        return self.activation.forward(x, self.xp)

    def pre_activation(self, x: Array, training: bool = False) -> Array:
        """The input itself: this layer is its activation function."""
        return x.copy()

    def backward(self, grad_out: Array) -> Array:
        if not self.needs_input_grad:
            return None
        return self.activation.backward(grad_out, self.xp)

    @property
    def output_activation(self) -> act.Activation:
        return self.activation

    def backward_linear(self, grad_z: Array) -> Array:
        return grad_z if self.needs_input_grad else None


@register_layer("Linear", category="Activations")
class LinearLayer(ActivationLayer):
    function_name = "linear"


@register_layer("Sigmoid", category="Activations")
class SigmoidLayer(ActivationLayer):
    function_name = "sigmoid"


@register_layer("Tanh", category="Activations")
class TanhLayer(ActivationLayer):
    function_name = "tanh"


@register_layer("ReLU", category="Activations")
class ReLULayer(ActivationLayer):
    function_name = "relu"


@register_layer("Softmax", category="Activations")
class SoftmaxLayer(ActivationLayer):
    function_name = "softmax"


@register_layer("LeakyReLU", category="Activations")
class LeakyReLULayer(ActivationLayer):
    function_name = "leaky_relu"

    activation: act.LeakyReLU

    def __init__(self, alpha: float = 0.01) -> None:
        Layer.__init__(self)
        self.activation = act.LeakyReLU(alpha)

    def get_config(self) -> dict[str, Any]:
        return {"alpha": self.activation.alpha}
