"""Central-difference gradient checking in float64, shared by every engine test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def numerical_gradient(f: Callable[[], float], array: Any, eps: float = 1e-6,
                       max_entries: int = 64, rng: np.random.Generator | None = None
                       ) -> tuple[np.ndarray, np.ndarray]:
    """d f / d array at up to ``max_entries`` sampled positions (array is perturbed in place).

    Returns (flat indices, numerical derivatives).
    """
    flat = array.reshape(-1)
    if flat.base is None and array.size and not np.shares_memory(flat, array):
        raise ValueError("array must be contiguous so it can be perturbed in place")
    n = flat.size
    rng = rng or np.random.default_rng(0)
    idx = np.arange(n) if n <= max_entries else np.sort(rng.choice(n, max_entries, replace=False))
    out = np.empty(len(idx))
    for j, i in enumerate(idx):
        old = float(flat[i])
        flat[i] = old + eps
        plus = f()
        flat[i] = old - eps
        minus = f()
        flat[i] = old
        out[j] = (plus - minus) / (2 * eps)
    return idx, out


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """||a - n|| / (||a|| + ||n||): 0 when equal, < 1e-7 good, < 1e-4 acceptable near kinks."""
    analytic, numeric = np.asarray(analytic, float).ravel(), np.asarray(numeric, float).ravel()
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    if scale < 1e-12:
        return 0.0
    return float(np.linalg.norm(analytic - numeric) / scale)
