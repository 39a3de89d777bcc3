"""Batch normalization, after Dense (per feature) or after Conv2D (per channel).

Training, with statistics over the batch (and, for images, over every pixel: axes N, H, W)::

    μ = mean(x),  σ² = mean((x - μ)²)          (biased variance: divided by the count M)
    x̂ = (x - μ) / √(σ² + ε),   y = γ · x̂ + β
    running_mean ← momentum · running_mean + (1 - momentum) · μ     (same for running_var, σ²)

Inference uses the running statistics instead of the batch's. The running variance is the
biased batch variance too (PyTorch stores the unbiased one; the difference is a factor
M / (M - 1), negligible for real batches), so ONNX ``BatchNormalization`` reproduces our
inference exactly from ``running_mean``/``running_var``.

Backward in training, with the batch statistics depending on x::

    dβ = Σ dy,   dγ = Σ dy · x̂,   dx = γ / (M √(σ² + ε)) · (M · dy - dβ - x̂ · dγ)

A constant feature has σ² = 0: x̂ is 0 and y = β, with no division by zero because of ε.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator.backend import Array, Shape
from simulator.checks import number
from simulator.errors import SpecError
from simulator.layers.base import Layer, explicit_array, register_layer


@register_layer("BatchNorm", category="Normalization")
class BatchNorm(Layer):
    """Normalize each feature/channel to zero mean and unit variance, then scale and shift."""

    nonnegative_buffers = ("running_var",)

    def __init__(self, momentum: float = 0.9, epsilon: float = 1e-5,
                 gamma: list[float] | None = None, beta: list[float] | None = None) -> None:
        super().__init__()
        self.momentum = number(momentum, "BatchNorm 'momentum'", low=0, high=1, high_open=True)
        self.epsilon = number(epsilon, "BatchNorm 'epsilon'", low=1e-12, high=1, high_open=True)
        self.explicit_gamma = gamma
        self.explicit_beta = beta

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        if len(input_shape) not in (1, 3):
            raise SpecError(
                f"BatchNorm needs features (F,) or an image (C, H, W), got shape "
                f"{list(input_shape)}"
            )
        self.initial_params(input_shape, np.random.default_rng(0))   # check explicit γ, β
        return tuple(input_shape)

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        return {"gamma": (int(input_shape[0]),), "beta": (int(input_shape[0]),)}

    def buffer_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        return {"running_mean": (int(input_shape[0]),), "running_var": (int(input_shape[0]),)}

    def initial_params(self, input_shape: Shape, rng: np.random.Generator) -> dict[str, np.ndarray]:
        (c,) = self.param_shapes(input_shape)["gamma"]
        gamma = np.ones(c) if self.explicit_gamma is None else explicit_array(
            self.explicit_gamma, (c,), "gamma")
        beta = np.zeros(c) if self.explicit_beta is None else explicit_array(
            self.explicit_beta, (c,), "beta")
        return {"gamma": gamma, "beta": beta}

    def initial_buffers(self, input_shape: Shape) -> dict[str, np.ndarray]:
        c = int(input_shape[0])
        return {"running_mean": np.zeros(c), "running_var": np.ones(c)}

    def _axes_and_shape(self, x: Array) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Reduction axes (all but the channel axis 1) and the broadcast shape of a statistic."""
        axes = (0, *range(2, x.ndim))
        return axes, (1, x.shape[1]) + (1,) * (x.ndim - 2)

    def forward(self, x: Array, training: bool = False) -> Array:
        xp = self.xp
        axes, shape = self._axes_and_shape(x)
        if training:
            mean = x.mean(axis=axes)
            centered = x - mean.reshape(shape)
            var = (centered * centered).mean(axis=axes)
            keep = self.momentum
            for key, stat in (("running_mean", mean), ("running_var", var)):
                running = self.buffers[key]
                running *= keep
                running += (1.0 - keep) * stat
        else:
            centered = x - self.buffers["running_mean"].reshape(shape)
            var = self.buffers["running_var"]
        self.inv_std = 1.0 / xp.sqrt(var + self.epsilon)
        self.x_hat = centered
        self.x_hat *= self.inv_std.reshape(shape)
        self.training = training
        y = self.x_hat * self.params["gamma"].reshape(shape)
        y += self.params["beta"].reshape(shape)
        return y

    def backward(self, grad_out: Array) -> Array:
        xp = self.xp
        axes, shape = self._axes_and_shape(grad_out)
        xp.sum(grad_out, axis=axes, out=self.grads["beta"])
        xp.sum(grad_out * self.x_hat, axis=axes, out=self.grads["gamma"])
        if not self.needs_input_grad:
            return None
        scale = (self.params["gamma"] * self.inv_std).reshape(shape)
        if not self.training:
            return grad_out * scale
        count = grad_out.size // grad_out.shape[1]
        dx = grad_out - self.grads["beta"].reshape(shape) / count
        dx -= self.x_hat * (self.grads["gamma"].reshape(shape) / count)
        dx *= scale
        return dx

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"momentum": self.momentum, "epsilon": self.epsilon}
        if self.explicit_gamma is not None:
            config["gamma"] = self.explicit_gamma
        if self.explicit_beta is not None:
            config["beta"] = self.explicit_beta
        return config
