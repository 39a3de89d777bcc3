"""Input preprocessing, fitted on the training split only: ``transform(x) == (x - shift) * scale``.

Methods (``TrainingConfig.preprocessing``), statistics per feature (per pixel for images):

- ``auto`` (the default): what the course recommends for the data: ``standardize`` for tabular
  features; for images (samples of two or more axes) every pixel value scaled to [0, 1] by one
  shift and scale for the whole set (the training split's lowest and highest value; 0..255
  becomes ÷ 255). Fitting resolves it: ``method`` then names what ran (``standardize``, or
  ``minmax`` with one number for all pixels) and ``requested`` stays ``auto``.
- ``none``: shift 0, scale 1.
- ``center``: subtract the mean.
- ``standardize``: subtract the mean, divide by the standard deviation.
- ``minmax``: map [min, max] to [0, 1].
- ``minmax_symmetric``: map [min, max] to [-1, 1].
- ``pixels``: divide by 255 (no statistics).

A feature that never varies gets scale 1 (it becomes 0 after the shift), and so does one that
varies so little that its scale would pass :data:`MAX_SCALE`; data beyond ±:data:`MAX_SHIFT` is
refused. Stored statistics are held to the same bounds (a scale of 1e308 or a shift of 1e300
only ever turns inputs into infinities and predictions into NaN). ``shift`` and
``scale`` are float64 arrays of one sample's shape, or Python floats, so the ONNX exporter can
turn them into Sub and Mul nodes and ``meta.json`` can store them (``to_dict``/``from_dict``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from simulator.checks import is_integer, is_number
from simulator.config import PREPROCESSING
from simulator.errors import DataError

FIXED = {"none": (0.0, 1.0), "pixels": (0.0, 1.0 / 255.0)}
MAX_VALUES = 50_000_000
#: Largest scale a statistic may have (a spread below 1e-15 counts as "never varies").
MAX_SCALE = 1e15
#: Largest magnitude of a shift, and of the data statistics are fitted on.
MAX_SHIFT = 1e30

Stat = np.ndarray | float


class Preprocessor:
    def __init__(self, method: str = "none") -> None:
        if method not in PREPROCESSING:
            raise DataError(f"unknown preprocessing {method!r}; choose one of "
                            f"{', '.join(PREPROCESSING)}")
        #: What the config asked for; ``method`` is what runs (they differ only for ``auto``).
        self.requested = method
        self.method = method
        self.shift: Stat = FIXED.get(method, (0.0, 1.0))[0]
        self.scale: Stat = FIXED.get(method, (0.0, 1.0))[1]
        self.fitted = method in FIXED

    def __repr__(self) -> str:
        shape = getattr(self.shift, "shape", ())
        return f"Preprocessor({self.method!r}, fitted={self.fitted}, shape={list(shape)})"

    def fit(self, x: np.ndarray, *, images: bool | None = None) -> Preprocessor:
        """Learn the statistics from ``x`` (N, *sample_shape): the training split only.

        ``images`` tells ``auto`` whether the samples are pictures (default: samples with two
        or more axes are); the other methods ignore it."""
        if self.method in FIXED:
            return self
        data = np.asarray(x, dtype=np.float64)
        if data.ndim < 2 or len(data) == 0:
            raise DataError(f"preprocessing '{self.requested}' needs at least one sample of "
                            f"shape (N, features...) to fit on, got shape {list(data.shape)}")
        if not np.all(np.isfinite(data)):
            raise DataError(f"preprocessing '{self.requested}': the data has NaN or infinite "
                            "values")
        if np.abs(data).max(initial=0.0) > MAX_SHIFT:
            raise DataError(f"preprocessing '{self.requested}': the data has values beyond "
                            f"±{MAX_SHIFT:g}; rescale it (for example to other units) first")
        if self.requested == "auto":
            if not (data.ndim > 2 if images is None else images):
                self.method = "standardize"
            else:
                self.method = "minmax"
                low, high = float(data.min()), float(data.max())
                scale = 1.0 / (high - low) if high > low else 1.0
                self.shift, self.scale, self.fitted = low, scale, True
                return self
        if self.method in ("center", "standardize"):
            shift = data.mean(axis=0)
            spread = data.std(axis=0) if self.method == "standardize" else None
            width = 1.0
        else:
            low, high = data.min(axis=0), data.max(axis=0)
            symmetric = self.method == "minmax_symmetric"
            shift = (low + high) / 2 if symmetric else low
            spread, width = high - low, (2.0 if symmetric else 1.0)
        scale = np.ones_like(shift)
        if spread is not None:
            varies = spread * MAX_SCALE > width
            scale[varies] = width / spread[varies]
        self.shift, self.scale, self.fitted = shift, scale, True
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        """``(x - shift) * scale``, in x's float dtype (float64 for integer input)."""
        if not self.fitted:
            raise DataError(f"preprocessing '{self.method}' must be fitted (on the training "
                            "split) before it transforms data")
        x = np.asarray(x)
        if isinstance(self.shift, np.ndarray) and tuple(x.shape[1:]) != self.shift.shape:
            raise DataError(f"preprocessing was fitted on samples of shape "
                            f"{list(self.shift.shape)} but got samples of shape "
                            f"{list(x.shape[1:])}")
        dtype = x.dtype if x.dtype.kind == "f" else np.float64
        return ((x - self.shift) * self.scale).astype(dtype, copy=False)

    def inverse_transform(self, z: np.ndarray) -> np.ndarray:
        """Network inputs ``z`` back in the data's units, ``z / scale + shift`` (float64): the
        inverse of :meth:`transform` (a scale is never 0)."""
        if not self.fitted:
            raise DataError(f"preprocessing '{self.method}' must be fitted before it can map "
                            "network inputs back to the data's units")
        return np.asarray(z, dtype=np.float64) / self.scale + self.shift

    def fit_transform(self, x: np.ndarray) -> np.ndarray:
        return self.fit(x).transform(x)

    def describe(self) -> str:
        """One line saying which preprocessing runs, e.g. ``"auto: standardize (each feature
        to mean 0, standard deviation 1)"``."""
        if self.method == "auto":
            what = "auto (decided when fitted on the training data)"
        elif self.method == "minmax" and not isinstance(self.shift, np.ndarray) and self.fitted:
            high = self.shift + 1.0 / float(self.scale)
            what = f"pixel values scaled to [0, 1] (from {self.shift:g}..{high:g})"
        else:
            what = f"{self.method} ({_MEANING[self.method]})"
        return f"auto: {what}" if self.requested == "auto" and self.method != "auto" else what

    def to_dict(self, arrays: bool = False) -> dict[str, Any]:
        """JSON-safe: method, shift, scale (floats or nested lists) and the sample shape.

        With ``arrays``, per-feature statistics stay float64 arrays (for a file that stores
        them beside its JSON rather than in it).
        """
        if not self.fitted:
            raise DataError(f"preprocessing '{self.method}' is not fitted; nothing to save")
        def plain(value: Stat) -> Any:
            if isinstance(value, np.ndarray):
                return np.array(value, dtype=np.float64) if arrays else value.tolist()
            return float(value)
        shape = list(self.shift.shape) if isinstance(self.shift, np.ndarray) else None
        return {"method": self.method, "shift": plain(self.shift), "scale": plain(self.scale),
                "shape": shape}

    @classmethod
    def from_dict(cls, data: Any) -> Preprocessor:
        """Rebuild from ``to_dict`` output, checking every field (a typed DataError if bad)."""
        if not isinstance(data, dict):
            raise DataError(f"preprocessing must be an object, got {type(data).__name__}")
        unknown = sorted(set(data) - {"method", "shift", "scale", "shape"})
        if unknown or "method" not in data:
            raise DataError(f"preprocessing needs 'method', 'shift', 'scale' and 'shape'; got "
                            f"keys {sorted(data)}")
        method = data["method"]
        stored = [m for m in PREPROCESSING if m != "auto"]   # a stored one names what ran
        if not isinstance(method, str) or method not in stored:
            raise DataError(f"unknown stored preprocessing {method!r}; it is one of "
                            f"{', '.join(stored)}")
        processor = cls(method)
        shape = data.get("shape")
        if shape is not None and (not isinstance(shape, list) or not all(
                is_integer(v) and v > 0 for v in shape)):
            raise DataError(f"preprocessing 'shape' must be a list of positive integers or "
                            f"null, got {shape!r}")
        shift = _stat("shift", data.get("shift"), shape)
        scale = _stat("scale", data.get("scale"), shape)
        if np.any(np.asarray(scale) <= 0) or np.any(np.asarray(scale) > MAX_SCALE):
            raise DataError(f"preprocessing 'scale' must be positive and at most {MAX_SCALE:g}; "
                            "a larger one turns every input into an infinity")
        if np.any(np.abs(np.asarray(shift)) > MAX_SHIFT):
            raise DataError(f"preprocessing 'shift' must be between -{MAX_SHIFT:g} and "
                            f"{MAX_SHIFT:g}")
        if method in FIXED and (shape is not None or (shift, scale) != FIXED[method]):
            raise DataError(f"preprocessing '{method}' has fixed shift {FIXED[method][0]} and "
                            f"scale {FIXED[method][1]}, got {shift!r} and {scale!r}")
        processor.shift, processor.scale, processor.fitted = shift, scale, True
        return processor


_MEANING = {
    "none": "raw values",
    "center": "each feature's mean subtracted",
    "standardize": "each feature to mean 0, standard deviation 1",
    "minmax": "each feature to [0, 1]",
    "minmax_symmetric": "each feature to [-1, 1]",
    "pixels": "values divided by 255",
}


def _stat(name: str, value: Any, shape: list[int] | None) -> Stat:
    if isinstance(value, bool):
        raise DataError(f"preprocessing '{name}' must be a number or nested list, got {value!r}")
    if shape is None:
        if not is_number(value) or not math.isfinite(value):
            raise DataError(f"preprocessing '{name}' must be a finite number, got {value!r}")
        return float(value)
    if math.prod(shape) > MAX_VALUES:
        raise DataError(f"preprocessing 'shape' {shape} is too large")
    try:
        array = np.array(value)
    except (ValueError, TypeError, RecursionError) as exc:
        raise DataError(f"preprocessing '{name}' is not a regular nested list: {exc}") from exc
    if array.dtype.kind not in "if" or list(array.shape) != shape:
        raise DataError(f"preprocessing '{name}' must be numbers of shape {shape}, got "
                        f"{array.dtype} of shape {list(array.shape)}")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise DataError(f"preprocessing '{name}' has NaN or infinite values")
    return array
