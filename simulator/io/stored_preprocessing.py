"""The stored preprocessing of a model: ``(x - shift) * scale`` on raw inputs.

The data package's ``Preprocessor`` owns the statistics and their ``to_dict``/``from_dict``
form; model files store that dict. Inference (here and in the ONNX graph) needs only the affine
map, broadcast against one batch of the network's input shape, which :func:`affine` derives.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from simulator.errors import BackpropError, ModelFileError

Shape = tuple[int, ...]


def preprocessor_to_dict(preprocessor: Any) -> dict[str, Any] | None:
    """The preprocessor's dict, per-feature statistics as arrays (a file keeps them in an
    ``.npz`` member: as JSON text they can pass the JSON size limit)."""
    if preprocessor is None:
        return None
    data = preprocessor.to_dict(arrays=True)
    if not isinstance(data, dict):
        raise ModelFileError("the preprocessor's to_dict() did not return a dict")
    return data


def preprocessor_from_dict(data: Any, what: str) -> Any:
    """Rebuild the data package's ``Preprocessor`` from a file, as a typed error on failure."""
    if data is None:
        return None
    from simulator.data import Preprocessor  # data loads on demand

    try:
        return Preprocessor.from_dict(data)
    except (BackpropError, ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        text = str(exc).strip() or type(exc).__name__
        raise ModelFileError(f"{what}: invalid preprocessing ({text})") from None


def affine(preprocessor: Any, input_shape: Shape) -> tuple[np.ndarray, np.ndarray] | None:
    """``(shift, scale)`` as float64 arrays that broadcast against ``(1, *input_shape)``."""
    if preprocessor is None:
        return None
    return (_fit(preprocessor.shift, input_shape, "shift"),
            _fit(preprocessor.scale, input_shape, "scale"))


def apply_affine(x: np.ndarray, stats: tuple[np.ndarray, np.ndarray] | None,
                 dtype: Any) -> np.ndarray:
    """``(x - shift) * scale`` in float64, then cast to ``dtype`` (as training prepared it)."""
    if stats is None:
        return np.asarray(x, dtype=dtype)
    shift, scale = stats
    return ((np.asarray(x, dtype=np.float64) - shift) * scale).astype(dtype)


def _fit(value: Any, input_shape: Shape, name: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ModelFileError(f"preprocessing '{name}' is not numeric") from None
    if not np.all(np.isfinite(array)):
        raise ModelFileError(f"preprocessing '{name}' contains NaN or infinite values")
    batch_shape = (1, *input_shape)
    if array.size == 1:
        return array.reshape(())
    try:
        if np.broadcast_shapes(batch_shape, array.shape) == batch_shape:
            return array
    except ValueError:
        pass
    if array.size == math.prod(input_shape):
        return array.reshape(input_shape)
    raise ModelFileError(f"preprocessing '{name}' has shape {list(array.shape)}, which does "
                         f"not fit the network's input shape {list(input_shape)}")
