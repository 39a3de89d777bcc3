"""Weight initializers: zeros, constant, uniform, normal, Xavier/Glorot and He.

    W = get_initializer("he_normal")((784, 128), rng)
    W = get_initializer({"type": "uniform", "limit": 0.1})(shape, rng)

Initializers draw from the run's seeded ``numpy.random.Generator`` on the host, in float64,
so the same seed gives the same initial weights on every backend and dtype. ``fan_in`` and
``fan_out`` are those of a Dense ``[units, inputs]`` or a Conv2D ``[filters, channels, kh, kw]``
weight (the receptive field counts in both).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from simulator.backend import Shape
from simulator.checks import number
from simulator.registry import Registry

INITIALIZERS: Registry[type[Initializer]] = Registry("initializer")


def _fans(shape: Shape) -> tuple[int, int]:
    """(fan_in, fan_out) for Dense ``[units, inputs]`` or Conv ``[filters, channels, kh, kw]``."""
    if len(shape) == 2:
        return shape[1], shape[0]
    if len(shape) == 4:
        receptive = shape[2] * shape[3]
        return shape[1] * receptive, shape[0] * receptive
    size = int(np.prod(shape)) if shape else 1
    return size, size


class Initializer:
    """``initializer(shape, rng)`` draws a float64 array of ``shape``."""

    name: ClassVar[str] = ""

    def __call__(self, shape: Shape, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError


@INITIALIZERS.register()
class Zeros(Initializer):
    name = "zeros"

    def __call__(self, shape: Shape, rng: np.random.Generator) -> np.ndarray:
        return np.zeros(shape)


@INITIALIZERS.register()
class Ones(Initializer):
    name = "ones"

    def __call__(self, shape: Shape, rng: np.random.Generator) -> np.ndarray:
        return np.ones(shape)


@INITIALIZERS.register()
class Constant(Initializer):
    """Every entry equal to ``value``."""

    name = "constant"

    def __init__(self, value: float = 0.0) -> None:
        self.value = number(value, "initializer 'constant': 'value'")

    def __call__(self, shape: Shape, rng: np.random.Generator) -> np.ndarray:
        return np.full(shape, self.value)


@INITIALIZERS.register()
class Uniform(Initializer):
    """U(-limit, limit)."""

    name = "uniform"

    def __init__(self, limit: float = 0.05) -> None:
        self.limit = number(limit, "initializer 'uniform': 'limit'", low=0)

    def __call__(self, shape: Shape, rng: np.random.Generator) -> np.ndarray:
        return rng.uniform(-self.limit, self.limit, shape)


@INITIALIZERS.register()
class Normal(Initializer):
    """N(0, stddev²)."""

    name = "normal"

    def __init__(self, stddev: float = 0.05) -> None:
        self.stddev = number(stddev, "initializer 'normal': 'stddev'", low=0)

    def __call__(self, shape: Shape, rng: np.random.Generator) -> np.ndarray:
        return rng.normal(0.0, self.stddev, shape)


@INITIALIZERS.register(aliases=("xavier_uniform", "xavier"))
class GlorotUniform(Initializer):
    """U(-√(6 / (fan_in + fan_out)), √(6 / (fan_in + fan_out)))."""

    name = "glorot_uniform"

    def __call__(self, shape: Shape, rng: np.random.Generator) -> np.ndarray:
        fan_in, fan_out = _fans(shape)
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, shape)


@INITIALIZERS.register(aliases=("xavier_normal",))
class GlorotNormal(Initializer):
    """N(0, 2 / (fan_in + fan_out))."""

    name = "glorot_normal"

    def __call__(self, shape: Shape, rng: np.random.Generator) -> np.ndarray:
        fan_in, fan_out = _fans(shape)
        return rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), shape)


@INITIALIZERS.register(aliases=("kaiming_uniform",))
class HeUniform(Initializer):
    """U(-√(6 / fan_in), √(6 / fan_in)), for ReLU networks."""

    name = "he_uniform"

    def __call__(self, shape: Shape, rng: np.random.Generator) -> np.ndarray:
        limit = math.sqrt(6.0 / _fans(shape)[0])
        return rng.uniform(-limit, limit, shape)


@INITIALIZERS.register(aliases=("kaiming_normal", "he"))
class HeNormal(Initializer):
    """N(0, 2 / fan_in), for ReLU networks."""

    name = "he_normal"

    def __call__(self, shape: Shape, rng: np.random.Generator) -> np.ndarray:
        return rng.normal(0.0, math.sqrt(2.0 / _fans(shape)[0]), shape)


def initializer_names() -> list[str]:
    return INITIALIZERS.names()


def get_initializer(spec: str | dict[str, Any]) -> Initializer:
    """Build an initializer from ``"he_normal"`` or ``{"type": "constant", "value": 0.1}``."""
    return INITIALIZERS.build(spec)
