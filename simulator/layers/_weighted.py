"""What Dense and Conv2D share: a weight tensor ``W``, an optional bias ``b``, an activation
applied to ``z`` and the options that go with them (initializers, explicit values typed in by
a teacher, a weight penalty).

A subclass computes ``z`` in ``forward`` and implements ``backward_linear(dL/dz)``; the
activation's own backward step sits in :meth:`WeightedLayer.backward`, so that the network can
skip it when the loss has absorbed it (the contract is in :class:`~simulator.layers.base.Layer`).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from simulator import activations as act
from simulator.backend import Array, Shape
from simulator.errors import SpecError
from simulator.initializers import get_initializer
from simulator.layers.base import Layer, explicit_array
from simulator.regularizers import Regularizer, get_regularizer


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
        self._kernel_init = get_initializer(kernel_initializer)
        self._bias_init = get_initializer(bias_initializer)
        self.explicit_weights = weights
        self.explicit_bias = bias
        # None: the layer follows the training section's regularizer; a zero one (``{}`` or
        # ``{"l2": 0}``) switches the penalty off for this layer.
        self.regularizer = (None if regularizer is None
                            else get_regularizer(regularizer) or Regularizer())
        if bias is not None and not self.use_bias:
            raise SpecError("explicit 'bias' given but 'use_bias' is false")

    def initial_params(self, input_shape: Shape, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Explicit ``weights``/``bias`` from the config when given, else the initializers."""
        shapes = self.param_shapes(input_shape)
        params = {}
        if self.explicit_weights is not None:
            params["W"] = explicit_array(self.explicit_weights, shapes["W"], "weights")
        else:
            params["W"] = self._kernel_init(shapes["W"], rng)
        if self.use_bias:
            if self.explicit_bias is not None:
                params["b"] = explicit_array(self.explicit_bias, shapes["b"], "bias")
            else:
                params["b"] = self._bias_init(shapes["b"], rng)
        return params

    @property
    def output_activation(self) -> act.Activation:
        return self.activation

    def backward(self, grad_out: Array) -> Array:
        return self.backward_linear(self.activation.backward(grad_out, self.xp))

    def pre_activation(self, x: Array, training: bool = False) -> Array:
        """z = W x + b, before the activation."""
        raise NotImplementedError

    def user_params(self) -> dict[str, np.ndarray]:
        """``weights`` and ``bias``, the config's names for ``W`` and ``b``."""
        params = super().user_params()
        shown = {"weights": params["W"]}
        if "b" in params:
            shown["bias"] = params["b"]
        return shown

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
