"""What Dense and Conv2D share: a weight tensor ``W``, an optional bias ``b``, an activation
applied to ``z`` and the options that go with them (initializers, explicit values typed in by
a teacher, a weight penalty).

A subclass computes ``z`` in ``forward`` and implements ``backward_linear(dL/dz)``; the
activation's own backward step sits in :meth:`WeightedLayer.backward`, so that the network can
skip it when the loss has absorbed it (softmax + cross-entropy, sigmoid + binary CE).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from simulator import activations as act
from simulator.errors import SpecError
from simulator.initializers import initialize
from simulator.layers.base import Array, Layer, Shape, explicit_array
from simulator.regularizers import Regularizer, parse_regularizer


class WeightedLayer(Layer):
    """Base of layers with ``W`` (penalised by regularizers) and an optional bias ``b``."""

    weight_keys: ClassVar[tuple[str, ...]] = ("W",)
    default_kernel_initializer: ClassVar[str] = "glorot_uniform"

    def _init_weighted(
        self,
        activation: str | dict[str, Any] | None,
        use_bias: bool,
        kernel_initializer: str | dict[str, Any],
        bias_initializer: str | dict[str, Any],
        weights: list[Any] | None,
        bias: list[Any] | None,
        regularizer: dict[str, Any] | None,
    ) -> None:
        self.activation = act.get_activation(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.explicit_weights = weights
        self.explicit_bias = bias
        # None: the layer follows the training section's regularizer; a zero one (``{}`` or
        # ``{"l2": 0}``) switches the penalty off for this layer.
        self.regularizer = (None if regularizer is None
                            else parse_regularizer(regularizer) or Regularizer())
        if bias is not None and not self.use_bias:
            raise SpecError("explicit 'bias' given but 'use_bias' is false")

    def initial_params(self, input_shape: Shape, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Explicit ``weights``/``bias`` from the config when given, else the initializers."""
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

    @property
    def output_activation(self) -> act.Activation:
        """The activation applied last (the network fuses softmax/sigmoid with the loss)."""
        return self.activation

    def backward(self, grad_out: Array) -> Array:
        return self.backward_linear(self.activation.backward(grad_out, self.xp))

    def backward_linear(self, grad_z: Array) -> Array:
        """Backward from d(loss)/d(z), the activation already accounted for."""
        raise NotImplementedError

    def _weighted_config(self) -> dict[str, Any]:
        """The shared config keys: the activation, then only options that differ from the
        defaults, then explicit values."""
        config: dict[str, Any] = {"activation": self.activation.get_config()}
        if not self.use_bias:
            config["use_bias"] = False
        if self.kernel_initializer != self.default_kernel_initializer:
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
