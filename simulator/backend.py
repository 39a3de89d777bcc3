"""The array-backend seam: NumPy on the CPU, CuPy on a CUDA GPU.

This is the only module that imports ``cupy``. Everything else asks a :class:`Backend` for its
array module (``backend.xp``) and calls :func:`to_numpy` on anything that leaves the engine, so
GPU arrays never reach the UI or a file.

It also names the engine's array vocabulary once: :data:`Array` (a NumPy or CuPy array; the
two share no base class, so it is ``Any`` to the type checker) and :data:`Shape`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from simulator.errors import BackendError

BACKEND_NAMES = ("numpy", "cupy")
DTYPES = {"float32": np.float32, "float64": np.float64}

#: A numpy.ndarray or a cupy.ndarray.
Array = Any
#: An array shape; the shape of one sample leaves out the batch axis (images are (C, H, W)).
Shape = tuple[int, ...]


@dataclass(frozen=True)
class Backend:
    """An array library plus the floating-point dtype the network computes in."""

    name: str
    xp: ModuleType
    dtype: Any = np.float32

    def asarray(self, value: Any, dtype: Any = None) -> Any:
        """Move ``value`` onto this backend (a no-op for arrays already there)."""
        return self.xp.asarray(value, dtype=self.dtype if dtype is None else dtype)

    @property
    def is_gpu(self) -> bool:
        return self.name == "cupy"


def _import_cupy() -> ModuleType:
    try:
        import cupy  # the one place cupy is imported
    except ImportError as exc:
        raise BackendError(
            "The 'cupy' backend needs CuPy: install the gpu extra "
            "(pip install -e '.[gpu]') on a machine with an NVIDIA GPU."
        ) from exc
    try:
        available = bool(cupy.is_available())
    except Exception:  # any CUDA failure means "not available"
        available = False
    if not available:
        raise BackendError(
            "CuPy is installed but no CUDA device is available: use the 'numpy' backend."
        )
    return cupy


def gpu_available() -> bool:
    """True when the CuPy backend can run on this machine."""
    try:
        _import_cupy()
    except BackendError:
        return False
    return True


def get_backend(name: str | Backend = "numpy", dtype: Any = "float32") -> Backend:
    """Return the backend called ``name`` computing in ``dtype`` (float32 or float64)."""
    if isinstance(name, Backend):
        return name
    key = str(np.dtype(dtype)) if not isinstance(dtype, str) else dtype
    if key not in DTYPES:
        raise BackendError(f"Unsupported dtype {dtype!r}: use one of {sorted(DTYPES)}.")
    if name == "numpy":
        return Backend("numpy", np, DTYPES[key])
    if name == "cupy":
        return Backend("cupy", _import_cupy(), DTYPES[key])
    raise BackendError(f"Unknown backend {name!r}: use one of {', '.join(BACKEND_NAMES)}.")


def to_numpy(value: Any) -> Any:
    """Return ``value`` as a NumPy array (or unchanged if it is not a GPU array)."""
    get = getattr(value, "get", None)
    if get is not None and type(value).__module__.startswith("cupy"):
        return get()
    return value
