"""Merge layers: join two or more branches of a network.

* ``Add``: y = x₁ + x₂ + …, all inputs of one shape; every input receives dL/dy unchanged.
* ``Concatenate(axis)``: stack the inputs along ``axis``, counted in *sample* coordinates
  (0 = features for flat inputs, channels for images); each input receives its own slice of
  dL/dy.

``forward`` takes a list of arrays and ``backward`` returns a list of gradients, one per input
(``None`` entries when nothing upstream needs them). Layers never modify the gradient they are
given in place, so Add may hand the same array to every input.
"""

from __future__ import annotations

from typing import Any, ClassVar

from simulator.backend import Array, Shape
from simulator.checks import integer
from simulator.errors import SpecError
from simulator.layers.base import Layer, register_layer


def _shapes(input_shape: Any) -> list[Shape]:
    if not isinstance(input_shape, list | tuple) or not all(
        isinstance(s, list | tuple) for s in input_shape
    ):
        raise SpecError(f"a merge layer needs a list of input shapes, got {input_shape!r}")
    if len(input_shape) < 2:
        raise SpecError("a merge layer joins two or more inputs; connect more branches")
    return [tuple(int(d) for d in s) for s in input_shape]


def _listing(shapes: list[Shape]) -> str:
    return ", ".join(str(list(s)) for s in shapes)


@register_layer("Add", category="Merge")
class Add(Layer):
    """Element-wise sum of two or more inputs of the same shape."""

    n_inputs: ClassVar[int | None] = None

    def compute_output_shape(self, input_shape: Any) -> Shape:
        shapes = _shapes(input_shape)
        if any(s != shapes[0] for s in shapes):
            raise SpecError(f"Add needs inputs of one shape, got {_listing(shapes)}; "
                            "give the branches the same number of units")
        return shapes[0]

    def forward(self, x: list[Array], training: bool = False) -> Array:
        out = x[0] + x[1]
        for extra in x[2:]:
            out += extra
        return out

    def backward(self, grad_out: Array) -> list[Array]:
        n = len(self.input_shape)
        return [grad_out if self.needs_input_grad else None for _ in range(n)]


@register_layer("Concatenate", category="Merge")
class Concatenate(Layer):
    """Join inputs along one axis; every other axis must match."""

    n_inputs: ClassVar[int | None] = None

    def __init__(self, axis: int = 0) -> None:
        super().__init__()
        self.axis = integer(axis, "Concatenate 'axis'")

    def _sample_axis(self, ndim: int) -> int:
        if not -ndim <= self.axis < ndim:
            raise SpecError(f"Concatenate 'axis' is {self.axis} but the inputs have only "
                            f"{ndim} axes per sample (0 = features/channels)")
        return self.axis % ndim

    def compute_output_shape(self, input_shape: Any) -> Shape:
        shapes = _shapes(input_shape)
        if any(len(s) != len(shapes[0]) for s in shapes):
            raise SpecError(f"Concatenate needs inputs with the same number of axes, got "
                            f"{_listing(shapes)}")
        axis = self._sample_axis(len(shapes[0]))
        rest = [s[:axis] + s[axis + 1:] for s in shapes]
        if any(r != rest[0] for r in rest):
            raise SpecError(f"Concatenate along axis {self.axis} needs every other axis to "
                            f"match, got {_listing(shapes)}")
        out = list(shapes[0])
        out[axis] = sum(s[axis] for s in shapes)
        return tuple(out)

    def forward(self, x: list[Array], training: bool = False) -> Array:
        return self.xp.concatenate(x, axis=self._sample_axis(x[0].ndim - 1) + 1)

    def backward(self, grad_out: Array) -> list[Array]:
        if not self.needs_input_grad:
            return [None] * len(self.input_shape)
        axis = self._sample_axis(grad_out.ndim - 1)
        grads, start = [], 0
        for shape in self.input_shape:
            index = [slice(None)] * grad_out.ndim
            index[axis + 1] = slice(start, start + shape[axis])
            grads.append(grad_out[tuple(index)])
            start += shape[axis]
        return grads

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}
