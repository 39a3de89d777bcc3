"""Test-wide settings. The Qt platform must be chosen before anything imports Qt."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The app's data and config folders (autosave, recent files) are this run's own, never the
# user's, before anything reads them.
os.environ["BACKPROP_STUDIO_DATA_DIR"] = tempfile.mkdtemp(prefix="backprop-test-data-")
os.environ["BACKPROP_STUDIO_CONFIG_DIR"] = tempfile.mkdtemp(prefix="backprop-test-config-")
import numpy as np
import pytest

from simulator.backend import get_backend, gpu_available

for _folder in (os.environ["BACKPROP_STUDIO_DATA_DIR"], os.environ["BACKPROP_STUDIO_CONFIG_DIR"]):
    atexit.register(shutil.rmtree, _folder, True)

BACKENDS = ["numpy", pytest.param("cupy", marks=pytest.mark.gpu)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if gpu_available():
        return
    skip = pytest.mark.skip(reason="no CUDA device with CuPy on this machine")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(params=BACKENDS)
def backend_name(request: pytest.FixtureRequest) -> str:
    """Each backend name in turn; 'cupy' is skipped where no GPU exists."""
    return request.param


@pytest.fixture
def backend64(backend_name: str):
    return get_backend(backend_name, "float64")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)
