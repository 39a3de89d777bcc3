"""2-D convolution (cross-correlation, as every deep-learning library computes it).

    y[n, f, i, j] = act( b[f] + Σ_c Σ_u Σ_v W[f, c, u, v] · x_pad[n, c, i·s + u, j·s + v] )

Images are NCHW; ``W`` is laid out ``[filters][channels][kh][kw]``.

How it is computed (im2col + one GEMM): every receptive field is copied into a column of
``cols`` with shape ``(C·kh·kw, Ho·Wo·N)`` and the convolution becomes ``Y = W₂ · cols`` with
``W₂ = W.reshape(F, C·kh·kw)``. In memory the batch axis is kept *innermost* (C, H, W, N):
then every copy of a window, every col2im add and every pooling slice moves runs of
``Wo·N`` contiguous values instead of a few pixels, which is what makes NumPy fast here, and
``Y`` comes out of the GEMM already in that order. The array handed to the next layer is a
transposed *view* of it, so its shape is NCHW as the contract says; element-wise layers,
pooling, BatchNorm and the next convolution keep that memory order, and Flatten makes the one
copy back to C order. (Anything that needs C order, e.g. a raw buffer for an image widget,
calls ``numpy.ascontiguousarray``.)

Backward: ``dW₂ = dY · colsᵀ``, ``db = Σ dY``, ``dcols = W₂ᵀ · dY``, and col2im adds each
kernel position's slice of ``dcols`` back into the padded input gradient (one add per kernel
position, never a loop over pixels). ``dcols`` is skipped when the input needs no gradient.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from simulator.backend import Array, Backend, Shape
from simulator.checks import integer, is_integer
from simulator.errors import SpecError
from simulator.layers._weighted import WeightedLayer
from simulator.layers.base import pair, register_layer

#: Inference on a larger batch than this many im2col entries runs in slices of the batch, so
#: that evaluating a big data set never allocates hundreds of megabytes at once.
MAX_COLS_ELEMENTS = 1 << 24


def _check_padding(padding: object) -> str | int:
    if padding in ("valid", "same"):
        return str(padding)
    if not is_integer(padding) or padding < 0:
        raise SpecError(f"'padding' must be \"valid\", \"same\" or an integer >= 0, "
                        f"got {padding!r}")
    return int(padding)


@register_layer("Conv2D", category="Convolution")
class Conv2D(WeightedLayer):
    """A bank of ``filters`` learned kh×kw filters slid over a (C, H, W) image."""

    default_kernel_initializer = "he_uniform"

    def __init__(
        self,
        filters: int,
        kernel_size: int | list[int],
        stride: int | list[int] = 1,
        padding: str | int = "valid",
        activation: str | dict[str, Any] | None = "linear",
        use_bias: bool = True,
        kernel_initializer: str | dict[str, Any] = "he_uniform",
        bias_initializer: str | dict[str, Any] = "zeros",
        weights: list[Any] | None = None,
        bias: list[Any] | None = None,
        regularizer: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.filters = integer(filters, "'filters'", low=1)
        self.kernel = pair(kernel_size, "kernel_size")
        self.strides = pair(stride, "stride")
        self.kernel_size = kernel_size if isinstance(kernel_size, int) else list(self.kernel)
        self.stride = stride if isinstance(stride, int) else list(self.strides)
        self.padding = _check_padding(padding)
        self._init_weighted(activation, use_bias, kernel_initializer, bias_initializer,
                            weights, bias, regularizer)
        self._cols: Array = None
        self._dcols: Array = None
        self._xpad: Array = None
        self._pads = (0, 0, 0, 0)
        self.cols: Array = None

    # ----- shapes ---------------------------------------------------------------------------
    def pads(self, input_shape: Shape) -> tuple[int, int, int, int]:
        """Zero padding (top, left, bottom, right), as ONNX ``pads`` orders it.

        "same" gives ceil(H / stride) outputs; an odd total goes to the bottom/right
        (ONNX ``SAME_UPPER``).
        """
        if self.padding == "valid":
            return 0, 0, 0, 0
        if isinstance(self.padding, int):
            p = self.padding
            return p, p, p, p
        begin, end = [], []
        for size, k, s in zip(input_shape[1:], self.kernel, self.strides, strict=True):
            total = max((math.ceil(size / s) - 1) * s + k - size, 0)
            begin.append(total // 2)
            end.append(total - total // 2)
        return begin[0], begin[1], end[0], end[1]

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        if len(input_shape) != 3:
            raise SpecError(
                f"Conv2D needs an image input (channels, height, width), got shape "
                f"{list(input_shape)}; set the input shape to e.g. [1, 28, 28]"
            )
        top, left, bottom, right = self.pads(input_shape)
        padded = (input_shape[1] + top + bottom, input_shape[2] + left + right)
        if padded[0] < self.kernel[0] or padded[1] < self.kernel[1]:
            raise SpecError(
                f"the {self.kernel[0]}x{self.kernel[1]} kernel is larger than the "
                f"{padded[0]}x{padded[1]} (padded) input; use a smaller kernel_size or padding"
            )
        out = [(p - k) // s + 1 for p, k, s in zip(padded, self.kernel, self.strides, strict=True)]
        return (self.filters, out[0], out[1])

    def scratch_size(self, input_shape: Shape, training: bool) -> int:
        """The padded input and the im2col columns (twice each in training: backward makes
        their gradients)."""
        top, left, bottom, right = self.pads(input_shape)
        c, h, w = (int(d) for d in input_shape)
        _, ho, wo = self.compute_output_shape(input_shape)
        padded = c * (h + top + bottom) * (w + left + right)
        cols = c * self.kernel[0] * self.kernel[1] * ho * wo
        return 2 * (padded + cols) if training else padded + cols

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        shapes: dict[str, Shape] = {"W": (self.filters, int(input_shape[0]), *self.kernel)}
        if self.use_bias:
            shapes["b"] = (self.filters,)
        return shapes

    # ----- computation ------------------------------------------------------------------------
    def build(self, input_shape: Shape, backend: Backend, rng: np.random.Generator) -> Shape:
        self._pads = self.pads(input_shape)
        return super().build(input_shape, backend, rng)

    def _buffer(self, name: str, shape: tuple[int, ...], dtype: Any, keep: bool) -> Array:
        """Zeroed scratch memory; in training it is kept and reused while the batch size
        stays the same (inference never touches the training buffers)."""
        current = getattr(self, name) if keep else None
        if current is not None and current.shape == shape and current.dtype == dtype:
            return current
        array = self.xp.zeros(shape, dtype=dtype)
        if keep:
            setattr(self, name, array)
        return array

    def _im2col(self, x: Array, training: bool) -> Array:
        """cols[c, u, v, i, j, n] = x_pad[n, c, i·sh + u, j·sw + v] as (C·kh·kw, Ho·Wo·N)."""
        n, c, h, w = x.shape
        top, left, bottom, right = self._pads
        xpad = self._buffer("_xpad", (c, h + top + bottom, w + left + right, n), x.dtype,
                            training)
        xpad[:, top:top + h, left:left + w, :] = x.transpose(1, 2, 3, 0)
        (kh, kw), (sh, sw) = self.kernel, self.strides
        _, ho, wo = self.output_shape
        cols = self._buffer("_cols", (c, kh, kw, ho, wo, n), x.dtype, training)
        s = xpad.strides
        windows = self.xp.lib.stride_tricks.as_strided(
            xpad, cols.shape, (s[0], s[1], s[2], s[1] * sh, s[2] * sw, s[3]))
        cols[...] = windows
        return cols.reshape(c * kh * kw, ho * wo * n)

    def _linear(self, x: Array, training: bool) -> Array:
        """z = conv(x) + b as an NCHW view of batch-innermost memory."""
        n = x.shape[0]
        cols = self._im2col(x, training)
        self.cols = cols if training else None     # inference keeps no large buffers
        z = self.params["W"].reshape(self.filters, -1) @ cols     # (F, Ho·Wo·N)
        if self.use_bias:
            z += self.params["b"][:, None]
        return z.reshape(self.filters, *self.output_shape[1:], n).transpose(3, 0, 1, 2)

    def pre_activation(self, x: Array, training: bool = False) -> Array:
        n = x.shape[0]
        per_sample = self.params["W"][0].size * self.output_shape[1] * self.output_shape[2]
        if training or n * per_sample <= MAX_COLS_ELEMENTS:
            return self._linear(x, training)
        step = max(1, MAX_COLS_ELEMENTS // per_sample)    # big inference batches: bounded memory
        return self.xp.concatenate([self._linear(x[i:i + step], False)
                                    for i in range(0, n, step)])

    def forward(self, x: Array, training: bool = False) -> Array:
        return self.activation.forward(self.pre_activation(x, training), self.xp, inplace=True)

    def backward_linear(self, grad_z: Array) -> Array:
        """Backward from d(loss)/d(z) where z is the convolution before its activation."""
        xp = self.xp
        if self.cols is None:
            raise RuntimeError("Conv2D.backward() needs a forward(x, training=True) first")
        n = grad_z.shape[0]
        g2 = grad_z.transpose(1, 2, 3, 0).reshape(self.filters, -1)  # free if batch-innermost
        xp.matmul(g2, self.cols.T, out=self.grads["W"].reshape(self.filters, -1))
        if self.use_bias:
            g2.sum(axis=1, out=self.grads["b"])
        if not self.needs_input_grad:
            return None
        c, h, w = self.input_shape
        (kh, kw), (sh, sw) = self.kernel, self.strides
        _, ho, wo = self.output_shape
        top, left, bottom, right = self._pads
        dcols = self._buffer("_dcols", self.cols.shape, grad_z.dtype, True)
        xp.matmul(self.params["W"].reshape(self.filters, -1).T, g2, out=dcols)
        dcols = dcols.reshape(c, kh, kw, ho, wo, n)
        dx = xp.zeros((c, h + top + bottom, w + left + right, n), dtype=grad_z.dtype)
        for u in range(kh):
            for v in range(kw):
                dx[:, u:u + sh * (ho - 1) + 1:sh, v:v + sw * (wo - 1) + 1:sw] += dcols[:, u, v]
        return dx[:, top:top + h, left:left + w].transpose(3, 0, 1, 2)

    def get_config(self) -> dict[str, Any]:
        return {"filters": self.filters, "kernel_size": self.kernel_size, "stride": self.stride,
                "padding": self.padding, **self._weighted_config()}
