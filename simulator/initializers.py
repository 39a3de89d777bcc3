"""Weight initializers: zeros, constant, uniform, normal, Xavier/Glorot and He.

Initializers draw from the run's seeded ``numpy.random.Generator`` on the host, in float64,
so the same seed gives the same initial weights on every backend and dtype.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from simulator.errors import SpecError

Shape = tuple[int, ...]


def _fans(shape: Shape) -> tuple[int, int]:
    """(fan_in, fan_out) for Dense ``[units, inputs]`` or Conv ``[filters, channels, kh, kw]``."""
    if len(shape) == 2:
        return shape[1], shape[0]
    if len(shape) == 4:
        receptive = shape[2] * shape[3]
        return shape[1] * receptive, shape[0] * receptive
    size = int(np.prod(shape)) if shape else 1
    return size, size


def initialize(spec: str | dict[str, Any], shape: Shape, rng: np.random.Generator) -> np.ndarray:
    """Draw an array of ``shape`` from the initializer ``spec`` (a name or a dict)."""
    options = dict(spec) if isinstance(spec, dict) else {"type": spec}
    name = str(options.pop("type", "")).lower()
    fan_in, fan_out = _fans(shape)
    try:
        if name == "zeros":
            return np.zeros(shape)
        if name == "ones":
            return np.ones(shape)
        if name == "constant":
            return np.full(shape, float(options.get("value", 0.0)))
        if name == "uniform":
            limit = float(options.get("limit", 0.05))
            return rng.uniform(-limit, limit, shape)
        if name == "normal":
            return rng.normal(0.0, float(options.get("stddev", 0.05)), shape)
        if name in ("glorot_uniform", "xavier_uniform", "xavier"):
            limit = math.sqrt(6.0 / (fan_in + fan_out))
            return rng.uniform(-limit, limit, shape)
        if name in ("glorot_normal", "xavier_normal"):
            return rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), shape)
        if name in ("he_uniform", "kaiming_uniform"):
            limit = math.sqrt(6.0 / fan_in)
            return rng.uniform(-limit, limit, shape)
        if name in ("he_normal", "kaiming_normal", "he"):
            return rng.normal(0.0, math.sqrt(2.0 / fan_in), shape)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"initializer {name!r}: invalid options ({exc})") from None
    raise SpecError(f"unknown initializer {name!r}; use one of: {', '.join(INITIALIZERS)}")


INITIALIZERS = (
    "zeros", "ones", "constant", "uniform", "normal",
    "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
)
