"""Pooling: MaxPool2D, AvgPool2D (valid padding) and GlobalAvgPool.

A pool of size ph×pw with stride (sh, sw) looks at the window
``x[n, c, i·sh : i·sh + ph, j·sw : j·sw + pw]`` for every output position (i, j):

* max-pool keeps its largest value; the gradient flows back to that one position. On ties the
  *first* maximal position in row-major window order (top-left first) gets all of it, as in
  PyTorch and ONNX ``MaxPool``.
* average-pool keeps the mean; each position gets 1/(ph·pw) of the gradient.

Both are computed from ph·pw strided slices of the input (one per position inside the window),
never by reshaping into windows and reducing over axes, which is an order of magnitude slower
in NumPy. The slices keep whatever memory layout the input has (see :mod:`.conv`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from simulator.backend import Array, Shape
from simulator.errors import SpecError
from simulator.layers.base import Layer, pair, register_layer


def _image_shape(layer: str, input_shape: Shape) -> None:
    if len(input_shape) != 3:
        raise SpecError(
            f"{layer} needs an image input (channels, height, width), got shape "
            f"{list(input_shape)}; put it after a Conv2D layer or use an image input"
        )


class _Pool2D(Layer):
    """Shared window arithmetic of the two windowed pools."""

    def __init__(self, pool_size: int | list[int] = 2, stride: int | list[int] | None = None
                 ) -> None:
        super().__init__()
        self.pool = pair(pool_size, "pool_size")
        self.strides = self.pool if stride is None else pair(stride, "stride")
        self.pool_size = pool_size if isinstance(pool_size, int) else list(self.pool)
        self.stride = stride if stride is None or isinstance(stride, int) else list(self.strides)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        _image_shape(self.type_name, input_shape)
        c, h, w = input_shape
        if h < self.pool[0] or w < self.pool[1]:
            raise SpecError(
                f"the {self.pool[0]}x{self.pool[1]} pool is larger than the {h}x{w} input; "
                "use a smaller pool_size"
            )
        return (c, (h - self.pool[0]) // self.strides[0] + 1,
                (w - self.pool[1]) // self.strides[1] + 1)

    @property
    def overlapping(self) -> bool:
        """True when windows share input positions (stride smaller than the pool)."""
        return self.strides[0] < self.pool[0] or self.strides[1] < self.pool[1]

    def _covers_input(self) -> bool:
        """True when the windows tile the whole input exactly once."""
        _, h, w = self.input_shape
        return (self.strides == self.pool and h % self.pool[0] == 0
                and w % self.pool[1] == 0)

    def _slices(self, x: Array) -> Iterator[Array]:
        """x[:, :, u::sh, v::sw] cut to the output size, for each (u, v) in the window."""
        (ph, pw), (sh, sw) = self.pool, self.strides
        _, ho, wo = self.output_shape
        for u in range(ph):
            for v in range(pw):
                yield x[:, :, u:u + sh * (ho - 1) + 1:sh, v:v + sw * (wo - 1) + 1:sw]

    def _grad_buffer(self, x_like: Array) -> Array:
        xp = self.xp
        return xp.empty_like(x_like) if self._covers_input() else xp.zeros_like(x_like)

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"pool_size": self.pool_size}
        if self.stride is not None:
            config["stride"] = self.stride
        return config


    def _combine_windows(self, x: Array, ufunc: Any) -> Array:
        """Fold the strided slices (one per window position) together with ``ufunc``."""
        slices = self._slices(x)
        first = next(slices)
        out = self.xp.empty_like(first)
        out[...] = first
        for view in slices:
            ufunc(out, view, out=out)
        return out


@register_layer("MaxPool2D", category="Convolution")
class MaxPool2D(_Pool2D):
    """The largest value of each window (gradient to the first maximal position)."""

    def forward(self, x: Array, training: bool = False) -> Array:
        out = self._combine_windows(x, self.xp.maximum)
        self.x, self.out = x, out
        return out

    def backward(self, grad_out: Array) -> Array:
        if not self.needs_input_grad:
            return None
        xp = self.xp
        dx = self._grad_buffer(self.x)
        n_positions = self.pool[0] * self.pool[1]
        taken = None
        pairs = zip(self._slices(self.x), self._slices(dx), strict=True)
        for k, (view, dview) in enumerate(pairs):
            if k == n_positions - 1 and taken is not None:
                mask = xp.logical_not(taken, out=taken)      # whatever no earlier k claimed
            else:
                mask = xp.equal(view, self.out)
                if taken is None:
                    taken = mask
                else:
                    xp.greater(mask, taken, out=mask)        # mask & ~taken: first max wins
                    xp.logical_or(taken, mask, out=taken)
            if self.overlapping:
                dview += grad_out * mask
            else:
                xp.multiply(grad_out, mask, out=dview)
        return dx


@register_layer("AvgPool2D", category="Convolution")
class AvgPool2D(_Pool2D):
    """The mean of each window."""

    def forward(self, x: Array, training: bool = False) -> Array:
        out = self._combine_windows(x, self.xp.add)
        out *= 1.0 / (self.pool[0] * self.pool[1])
        self.x_like = x
        return out

    def backward(self, grad_out: Array) -> Array:
        if not self.needs_input_grad:
            return None
        dx = self._grad_buffer(self.x_like)
        share = grad_out * (1.0 / (self.pool[0] * self.pool[1]))
        for dview in self._slices(dx):
            if self.overlapping:
                dview += share
            else:
                dview[...] = share
        return dx


@register_layer("GlobalAvgPool", category="Convolution")
class GlobalAvgPool(Layer):
    """(C, H, W) → (C,): the mean of each channel's whole feature map."""

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        _image_shape("GlobalAvgPool", input_shape)
        return (int(input_shape[0]),)

    def forward(self, x: Array, training: bool = False) -> Array:
        self.x_like = x
        return x.mean(axis=(2, 3))

    def backward(self, grad_out: Array) -> Array:
        if not self.needs_input_grad:
            return None
        _, h, w = self.input_shape
        dx = self.xp.empty_like(self.x_like)
        dx[...] = (grad_out * (1.0 / (h * w)))[:, :, None, None]
        return dx
