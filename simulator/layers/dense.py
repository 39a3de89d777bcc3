"""Dense (fully connected) layer: ``y = f(x · W + b)`` with W laid out ``[inputs][units]``."""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator import activations as act
from simulator.errors import SpecError
from simulator.initializers import initialize
from simulator.layers.base import Array, Layer, Shape, explicit_array, positive_int, register_layer
from simulator.regularizers import parse_regularizer


@register_layer("Dense", category="Core")
class Dense(Layer):
    """Every input connected to every unit; an optional activation applied after."""

    weight_keys = ("W",)

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
        self.units = positive_int(units, "units")
        self.activation = act.get_activation(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.explicit_weights = weights
        self.explicit_bias = bias
        self.regularizer = parse_regularizer(regularizer)
        if bias is not None and not self.use_bias:
            raise SpecError("explicit 'bias' given but 'use_bias' is false")

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        if len(input_shape) != 1:
            raise SpecError(
                f"Dense needs a flat input (features,), got shape {list(input_shape)}; "
                "add a Flatten layer before it"
            )
        return (self.units,)

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        shapes = {"W": (int(input_shape[0]), self.units)}
        if self.use_bias:
            shapes["b"] = (self.units,)
        return shapes

    def initial_params(self, input_shape: Shape, rng: np.random.Generator) -> dict[str, np.ndarray]:
        shapes = self.param_shapes(input_shape)
        params = {}
        if self.explicit_weights is not None:
            params["W"] = explicit_array(self.explicit_weights, shapes["W"], "weights")
        else:
            params["W"] = initialize(self.kernel_initializer, shapes["W"], rng)
        if self.use_bias:
            if self.explicit_bias is not None:
                params["b"] = explicit_array(self.explicit_bias, shapes["b"], "bias")
            else:
                params["b"] = initialize(self.bias_initializer, shapes["b"], rng)
        return params

    def forward(self, x: Array, training: bool = False) -> Array:
        self.x = x
        z = x @ self.params["W"]
        if self.use_bias:
            z += self.params["b"]
        return self.activation.forward(z, self.xp, inplace=True)

    def backward(self, grad_out: Array) -> Array:
        return self.backward_linear(self.activation.backward(grad_out, self.xp))

    @property
    def output_activation(self) -> act.Activation:
        return self.activation

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
        config: dict[str, Any] = {"units": self.units, "activation": self.activation.get_config()}
        if not self.use_bias:
            config["use_bias"] = False
        if self.kernel_initializer != "glorot_uniform":
            config["kernel_initializer"] = self.kernel_initializer
        if self.bias_initializer != "zeros":
            config["bias_initializer"] = self.bias_initializer
        if self.regularizer is not None:
            config["regularizer"] = self.regularizer.get_config()
        if self.explicit_weights is not None:
            config["weights"] = self.explicit_weights
        if self.explicit_bias is not None:
            config["bias"] = self.explicit_bias
        return config
