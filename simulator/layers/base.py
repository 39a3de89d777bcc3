"""The layer contract and the closed layer registry.

A layer is configured with plain JSON-safe values, then built for an input shape::

    layer = get_layer({"type": "Dense", "units": 3, "activation": "relu"})
    out_shape = layer.build((2,), backend, rng)
    y = layer.forward(x, training=True)
    grad_x = layer.backward(grad_y)        # fills layer.grads in place

Shapes exclude the batch axis; images are ``(C, H, W)``. Trainable arrays live in ``params``
and their gradients in ``grads`` (same keys, same shapes); non-trainable state such as running
statistics lives in ``buffers``. After :meth:`Layer.build` the network may replace every
``params``/``grads`` entry with a view into one flat buffer, so a layer must always look its
arrays up by key and must write gradients *into* ``grads[key]`` (``out=`` or ``[...] =``),
overwriting them on every backward pass.

Everything the engine reads from a layer is declared on :class:`Layer` below, so a new layer
is written from this file alone: subclass it, decorate it with :func:`register_layer`, and
override what it needs. The registry is closed: a file can only name a registered type, never
a module or code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

import numpy as np

from simulator.activations import Activation
from simulator.backend import Array, Backend, Shape, to_numpy
from simulator.checks import integer
from simulator.errors import SpecError
from simulator.registry import Registry
from simulator.regularizers import Regularizer

#: Every layer type by its exact name ("Dense"), in registration order.
LAYERS: Registry[type[Layer]] = Registry("layer type", fold_case=False)
_L = TypeVar("_L", bound="type[Layer]")


def register_layer(name: str, category: str = "Core") -> Callable[[_L], _L]:
    """Class decorator: make a layer type known to files, the palette (under ``category``)
    and the CLI."""

    def decorate(cls: _L) -> _L:
        cls.type_name = name
        cls.category = category
        LAYERS.add(name, cls)
        return cls

    return decorate


def layer_names() -> list[str]:
    return LAYERS.names()


def get_layer(spec: str | Mapping[str, Any]) -> Layer:
    """A new layer from ``"Flatten"`` or ``{"type": "Dense", "units": 3, ...}``."""
    name, config = LAYERS.parse(spec)
    return LAYERS.get(name).from_config(config)


def pair(value: object, key: str) -> tuple[int, int]:
    """Validate an int or a 2-item list of positive ints (kernel sizes, strides)."""
    items = value if isinstance(value, list | tuple) else [value, value]
    if len(items) != 2:
        raise SpecError(f"'{key}' must be an integer or a list of two integers, got {value!r}")
    return integer(items[0], f"'{key}'", low=1), integer(items[1], f"'{key}'", low=1)


def explicit_array(value: object, shape: Shape, key: str) -> np.ndarray:
    """Turn an explicit parameter from a config (nested lists) into a float64 array."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"'{key}' must be a nested list of numbers ({exc})") from None
    if array.shape != tuple(shape):
        hint = ""
        if array.ndim == 2 and array.shape == tuple(shape)[::-1] and shape[0] != shape[1]:
            hint = (f"; Dense weights are [units][inputs], one row of W per unit "
                    f"({shape[0]} rows of {shape[1]}): transpose the matrix")
        raise SpecError(
            f"'{key}' has shape {list(array.shape)} but this layer needs {list(shape)}{hint}"
        )
    if not np.all(np.isfinite(array)):
        raise SpecError(f"'{key}' contains NaN or infinite values")
    return array


class Layer:
    """Base class of every layer. Subclasses are registered with :func:`register_layer`.

    The constructor takes the layer's options as keyword arguments with defaults (the
    inspector builds its fields from the signature) and validates them, raising
    :class:`SpecError`; :meth:`get_config` returns them.
    """

    #: The registered name ("Dense"); set by :func:`register_layer`.
    type_name: ClassVar[str] = ""
    #: The palette group ("Core", "Convolution"...); set by :func:`register_layer`.
    category: ClassVar[str] = "Core"
    #: Number of inputs the layer takes; ``None`` means two or more (merge layers). With
    #: several inputs ``forward`` takes a list of arrays and ``backward`` returns a list.
    n_inputs: ClassVar[int | None] = 1
    #: Keys of the ``params`` that weight penalties (L1/L2) apply to, e.g. ``("W",)``; never
    #: biases or BatchNorm's γ and β.
    weight_keys: ClassVar[tuple[str, ...]] = ()
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
        #: This layer's own weight penalty on its ``weight_keys``; None means the training
        #: config's ``regularizer`` applies.
        self.regularizer: Regularizer | None = None
        #: A layer that draws random numbers keeps its own generator here (Dropout sets it
        #: in ``build``); the trainer saves and restores its state, so a resumed run draws
        #: the same numbers.
        self.rng: np.random.Generator | None = None

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
        """The output for a batch ``x``; remember what ``backward`` needs."""
        raise NotImplementedError

    def backward(self, grad_out: Array) -> Array:
        """d(loss)/d(input) from d(loss)/d(output), filling ``grads``; may return None when
        ``needs_input_grad`` is False."""
        raise NotImplementedError

    # ----- fusing the last activation with the loss ----------------------------------------
    @property
    def output_activation(self) -> Activation | None:
        """The activation this layer applies last, or None.

        When the layer is the network's output and the loss fuses with this activation
        (softmax + cross-entropy, sigmoid + binary cross-entropy: see
        :meth:`simulator.losses.Loss.fuse`), the network calls :meth:`backward_linear` with
        d(loss)/d(z), z being the activation's input, instead of :meth:`backward`.
        """
        return None

    def backward_linear(self, grad_z: Array) -> Array:
        """:meth:`backward` without the output activation's step: from d(loss)/d(z).

        Needed by every layer whose :attr:`output_activation` is not None.
        """
        raise NotImplementedError(f"{self.type_name} has an output activation but no "
                                  "backward_linear")

    # ----- what users read ------------------------------------------------------------
    def pre_activation(self, x: Array, training: bool = False) -> Array | None:
        """z, the value this layer hands its activation function for input ``x`` (a new
        array; nothing is remembered for backward), or None for a layer that applies none."""
        return None

    def user_params(self) -> dict[str, np.ndarray]:
        """The trainable parameters as NumPy copies, keyed and laid out as a config types
        them (and as the course writes them): what the inspector shows."""
        return {key: np.array(to_numpy(value)) for key, value in self.params.items()}

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


def total_size(shapes: Sequence[Shape]) -> int:
    """Number of elements in all ``shapes`` (Python ints, so no overflow)."""
    total = 0
    for shape in shapes:
        n = 1
        for d in shape:
            n *= int(d)
        total += n
    return total
