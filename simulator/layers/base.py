"""The layer contract and the closed layer registry.

A layer is configured with plain JSON-safe values, then built for an input shape::

    layer = Dense(units=3, activation="relu")
    out_shape = layer.build((2,), backend, rng)
    y = layer.forward(x, training=True)
    grad_x = layer.backward(grad_y)        # fills layer.grads in place

Shapes exclude the batch axis; images are ``(C, H, W)``. Trainable arrays live in ``params``
and their gradients in ``grads`` (same keys, same shapes); non-trainable state such as running
statistics lives in ``buffers``. After :meth:`Layer.build` the network may replace every
``params``/``grads`` entry with a view into one flat buffer, so a layer must always look its
arrays up by key and must write gradients *into* ``grads[key]`` (``out=`` or ``[...] =``),
overwriting them on every backward pass.

The registry is closed: a file can only name a registered type, never a module or code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar

import numpy as np

from simulator.backend import Backend
from simulator.errors import SpecError

Shape = tuple[int, ...]
Array = Any  # numpy.ndarray or cupy.ndarray

_REGISTRY: dict[str, type[Layer]] = {}
_L = TypeVar("_L", bound="type[Layer]")


def register_layer(name: str, category: str = "Core") -> Callable[[_L], _L]:
    """Class decorator: make a layer type known to files, the palette and the CLI."""

    def decorate(cls: _L) -> _L:
        if name in _REGISTRY:
            raise ValueError(f"Layer type {name!r} is registered twice.")
        cls.type_name = name
        cls.category = category
        _REGISTRY[name] = cls
        return cls

    return decorate


def layer_class(name: object) -> type[Layer]:
    """Look up a registered layer type by its exact name."""
    if not isinstance(name, str) or name not in _REGISTRY:
        known = ", ".join(sorted(_REGISTRY))
        raise SpecError(f"unknown layer type {name!r}; known types are: {known}")
    return _REGISTRY[name]


def registered_layers() -> dict[str, type[Layer]]:
    """All registered layer types, by name (a copy)."""
    return dict(_REGISTRY)


def positive_int(value: object, key: str) -> int:
    """Validate a positive integer hyperparameter, raising a :class:`SpecError`."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise SpecError(f"'{key}' must be a positive integer, got {value!r}")
    return int(value)


def pair(value: object, key: str) -> tuple[int, int]:
    """Validate an int or a 2-item list of positive ints (kernel sizes, strides)."""
    items = value if isinstance(value, list | tuple) else [value, value]
    if len(items) != 2:
        raise SpecError(f"'{key}' must be an integer or a list of two integers, got {value!r}")
    return positive_int(items[0], key), positive_int(items[1], key)


def explicit_array(value: object, shape: Shape, key: str) -> np.ndarray:
    """Turn an explicit parameter from a config (nested lists) into a float64 array."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"'{key}' must be a nested list of numbers ({exc})") from None
    if array.shape != tuple(shape):
        raise SpecError(
            f"'{key}' has shape {list(array.shape)} but this layer needs {list(shape)}"
        )
    if not np.all(np.isfinite(array)):
        raise SpecError(f"'{key}' contains NaN or infinite values")
    return array


class Layer:
    """Base class of every layer. Subclasses are registered with :func:`register_layer`."""

    type_name: ClassVar[str] = ""
    category: ClassVar[str] = "Core"
    #: Number of inputs the layer takes; ``None`` means two or more (merge layers).
    n_inputs: ClassVar[int | None] = 1
    #: Buffers that can never be negative (a variance); a file holding a negative is refused.
    nonnegative_buffers: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self.params: dict[str, Array] = {}
        self.grads: dict[str, Array] = {}
        self.buffers: dict[str, Array] = {}
        self.input_shape: Any = None
        self.output_shape: Shape = ()
        self.backend: Backend | None = None
        #: False when nothing upstream needs d(loss)/d(input); backward may then skip it.
        self.needs_input_grad = True

    # ----- shapes and parameters (pure, nothing allocated) -----------------------------
    def compute_output_shape(self, input_shape: Any) -> Shape:
        """Output shape for ``input_shape``; raise :class:`SpecError` if it cannot apply."""
        return tuple(input_shape)

    def param_shapes(self, input_shape: Any) -> dict[str, Shape]:
        """Shapes of the trainable parameters for ``input_shape`` (empty by default)."""
        return {}

    def buffer_shapes(self, input_shape: Any) -> dict[str, Shape]:
        """Shapes of the non-trainable buffers for ``input_shape`` (empty by default)."""
        return {}

    def initial_params(self, input_shape: Any, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Initial parameter values as float64 NumPy arrays (explicit config values win)."""
        return {}

    def initial_buffers(self, input_shape: Any) -> dict[str, np.ndarray]:
        return {k: np.zeros(s) for k, s in self.buffer_shapes(input_shape).items()}

    def scratch_size(self, input_shape: Any, training: bool) -> int:
        """Values per sample the layer allocates while it runs, besides its output (working
        copies such as a convolution's padded input and im2col columns); for memory
        estimates made before anything is allocated."""
        return 0

    # ----- life cycle ---------------------------------------------------------------
    def build(self, input_shape: Any, backend: Backend, rng: np.random.Generator) -> Shape:
        """Allocate parameters on ``backend`` and return the output shape."""
        self.output_shape = self.compute_output_shape(input_shape)
        self.input_shape = input_shape
        self.backend = backend
        initial = self.initial_params(input_shape, rng)
        self.params = {k: backend.asarray(v) for k, v in initial.items()}
        self.grads = {k: backend.xp.zeros_like(v) for k, v in self.params.items()}
        self.buffers = {k: backend.asarray(v) for k, v in self.initial_buffers(input_shape).items()}
        return self.output_shape

    @property
    def xp(self) -> Any:
        if self.backend is None:
            raise RuntimeError(f"{self.type_name} layer used before build()")
        return self.backend.xp

    def forward(self, x: Array, training: bool = False) -> Array:
        raise NotImplementedError

    def backward(self, grad_out: Array) -> Array:
        raise NotImplementedError

    # ----- configuration ----------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """JSON-safe constructor arguments; ``type(self)(**get_config())`` rebuilds it."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        try:
            return cls(**config)
        except TypeError as exc:
            raise SpecError(f"{cls.type_name}: invalid configuration ({exc})") from None

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items()
                         if k not in ("weights", "bias"))
        return f"{self.type_name}({args})"


def create_layer(type_name: object, config: dict[str, Any]) -> Layer:
    """Instantiate a registered layer from its type name and config."""
    return layer_class(type_name).from_config(dict(config))


def total_size(shapes: Sequence[Shape]) -> int:
    """Number of elements in all ``shapes`` (Python ints, so no overflow)."""
    total = 0
    for shape in shapes:
        n = 1
        for d in shape:
            n *= int(d)
        total += n
    return total
