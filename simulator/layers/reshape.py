"""Flatten: (C, H, W) → (C·H·W,) in C order (channel by channel, row by row).

The bridge from convolutional feature maps to Dense layers. The forward reshape is a view
whenever NumPy can express one (also for the batch-innermost maps Conv2D produces, see
:mod:`.conv`); the backward pass hands the gradient back in the memory order of the input, so
that the pooling and convolution layers below keep working on long contiguous runs.
"""

from __future__ import annotations

from simulator.backend import Array, Shape
from simulator.layers.base import Layer, register_layer, total_size


@register_layer("Flatten", category="Core")
class Flatten(Layer):
    """Unroll every sample into one vector of features."""

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (total_size([tuple(input_shape)]),)

    def forward(self, x: Array, training: bool = False) -> Array:
        self.x_like = x
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_out: Array) -> Array:
        if not self.needs_input_grad:
            return None
        grad = grad_out.reshape(self.x_like.shape)
        if self.x_like.flags.c_contiguous:
            return grad
        dx = self.xp.empty_like(self.x_like)
        dx[...] = grad
        return dx
