"""The backend seam: names, dtypes, and clear errors when CuPy cannot run."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from simulator.backend import get_backend, gpu_available, to_numpy
from simulator.errors import BackendError


def test_numpy_backend_defaults_to_float32_and_offers_float64() -> None:
    backend = get_backend("numpy")
    assert backend.xp is np
    assert backend.dtype is np.float32
    assert backend.asarray([1, 2]).dtype == np.float32
    assert get_backend("numpy", "float64").asarray([1]).dtype == np.float64
    assert not backend.is_gpu


def test_unknown_backend_and_dtype_are_named_in_the_error() -> None:
    with pytest.raises(BackendError, match="Unknown backend 'tpu'.*numpy, cupy"):
        get_backend("tpu")
    with pytest.raises(BackendError, match="Unsupported dtype 'float16'"):
        get_backend("numpy", "float16")


def test_cupy_missing_says_to_install_the_gpu_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cupy", None)  # makes "import cupy" raise ImportError
    with pytest.raises(BackendError, match="install the gpu extra"):
        get_backend("cupy")
    assert gpu_available() is False


@pytest.mark.parametrize("probe", [lambda: False, lambda: 1 / 0])
def test_cupy_without_a_device_says_so(monkeypatch: pytest.MonkeyPatch, probe) -> None:
    fake = types.ModuleType("cupy")
    fake.is_available = probe
    monkeypatch.setitem(sys.modules, "cupy", fake)
    with pytest.raises(BackendError, match="no CUDA device is available"):
        get_backend("cupy")


def test_to_numpy_copies_gpu_arrays_and_passes_numpy_through() -> None:
    array = np.arange(3.0)
    assert to_numpy(array) is array
    assert to_numpy(1.5) == 1.5

    fake_module = types.ModuleType("cupy._core")
    gpu_array_type = type("ndarray", (), {"get": lambda self: np.array([7.0])})
    gpu_array_type.__module__ = fake_module.__name__
    np.testing.assert_array_equal(to_numpy(gpu_array_type()), [7.0])
