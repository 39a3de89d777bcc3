"""Element-wise activation functions, shared by activation layers and by the ``activation``
option of Dense and Conv2D.

An :class:`Activation` is a small stateful object: ``forward`` remembers what ``backward``
needs (the output, and when a loss fuses with it the logits). Each layer owns its own
instance. :data:`ACTIVATIONS` is the registry; :func:`get_activation` builds one by name.
"""

from __future__ import annotations

from typing import Any, ClassVar

from simulator.backend import Array
from simulator.checks import number
from simulator.registry import Registry

ACTIVATIONS: Registry[type[Activation]] = Registry("activation")
_register = ACTIVATIONS.register


class Activation:
    """y = f(z), applied element-wise (Softmax: along axis 1)."""

    name: ClassVar[str] = ""

    def __init__(self) -> None:
        self.out: Array = None
        #: The input z of the last forward pass, kept when a loss computes its value from it.
        self.logits: Array = None
        #: Set by :meth:`simulator.losses.Loss.fuse` when the loss needs ``logits``.
        self.keep_logits = False

    def forward(self, z: Array, xp: Any, inplace: bool = False) -> Array:
        raise NotImplementedError

    def backward(self, grad: Array, xp: Any) -> Array:
        raise NotImplementedError

    def get_config(self) -> str | dict[str, Any]:
        return self.name


@_register(aliases=("identity", "none"))
class Linear(Activation):
    name = "linear"

    def forward(self, z: Array, xp: Any, inplace: bool = False) -> Array:
        return z

    def backward(self, grad: Array, xp: Any) -> Array:
        return grad


@_register()
class Sigmoid(Activation):
    """σ(z) = 1 / (1 + e^-z), computed as (1 + tanh(z/2)) / 2 so it never overflows."""

    name = "sigmoid"

    def forward(self, z: Array, xp: Any, inplace: bool = False) -> Array:
        if self.keep_logits:
            self.logits = z.copy() if inplace else z
        out = xp.multiply(z, 0.5, out=z if inplace else None)
        xp.tanh(out, out=out)
        out += 1.0
        out *= 0.5
        self.out = out
        return out

    def backward(self, grad: Array, xp: Any) -> Array:
        return grad * self.out * (1.0 - self.out)


@_register()
class Tanh(Activation):
    name = "tanh"

    def forward(self, z: Array, xp: Any, inplace: bool = False) -> Array:
        self.out = xp.tanh(z, out=z if inplace else None)
        return self.out

    def backward(self, grad: Array, xp: Any) -> Array:
        return grad * (1.0 - self.out * self.out)


@_register()
class ReLU(Activation):
    name = "relu"

    def forward(self, z: Array, xp: Any, inplace: bool = False) -> Array:
        self.out = xp.maximum(z, 0, out=z if inplace else None)
        return self.out

    def backward(self, grad: Array, xp: Any) -> Array:
        # (out > 0) written straight into a float array, then one float multiply: faster
        # than grad * bool_mask, which casts the mask element by element inside the multiply
        slope = xp.greater(self.out, 0, out=xp.empty_like(grad))
        slope *= grad
        return slope


@_register(aliases=("leakyrelu",))
class LeakyReLU(Activation):
    """f(z) = z for z > 0, alpha·z otherwise; computed as max(z, alpha·z) since alpha < 1."""

    name = "leaky_relu"

    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__()
        self.alpha = number(alpha, "leaky_relu 'alpha'", low=0, high=1, high_open=True)

    def forward(self, z: Array, xp: Any, inplace: bool = False) -> Array:
        self.out = xp.maximum(z, z * self.alpha, out=z if inplace else None)
        return self.out

    def backward(self, grad: Array, xp: Any) -> Array:
        # slope = 1 where out > 0 (exactly where z > 0), alpha elsewhere
        slope = xp.greater(self.out, 0, out=xp.empty_like(grad))
        slope *= 1.0 - self.alpha
        slope += self.alpha
        slope *= grad
        return slope

    def get_config(self) -> dict[str, Any]:
        return {"type": self.name, "alpha": self.alpha}


@_register()
class Softmax(Activation):
    """softmax(z)_i = e^{z_i} / Σ_j e^{z_j} along axis 1 (classes or channels).

    The logits are always kept (``self.logits``; no copy is needed, the output is a new
    array) so that cross-entropy can be computed from them stably and its gradient fused:
    d(CE)/d(logits) = p - y.
    """

    name = "softmax"

    def forward(self, z: Array, xp: Any, inplace: bool = False) -> Array:
        self.logits = z
        e = z - z.max(axis=1, keepdims=True)
        xp.exp(e, out=e)
        e /= e.sum(axis=1, keepdims=True)
        self.out = e
        return e

    def backward(self, grad: Array, xp: Any) -> Array:
        s = self.out
        return s * (grad - (grad * s).sum(axis=1, keepdims=True))


def activation_names() -> list[str]:
    return sorted(ACTIVATIONS.names())


def get_activation(spec: str | dict[str, Any] | None) -> Activation:
    """Build an activation from ``"relu"``, ``{"type": "leaky_relu", "alpha": 0.1}`` or None."""
    return Linear() if spec is None else ACTIVATIONS.build(spec)
