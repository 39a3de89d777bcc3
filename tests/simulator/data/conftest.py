"""Fixtures shared by the data tests (the file writers live in ``files.py``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.simulator.data.files import write_idx


@pytest.fixture
def mnist_like(tmp_path: Path) -> tuple[Path, np.ndarray, np.ndarray]:
    """A 12-image, 6x5 MNIST-style pair (train-images/train-labels), labels 0..9."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (12, 6, 5), dtype=np.uint8)
    labels = (np.arange(12) % 10).astype(np.uint8)
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte", labels)
    return tmp_path / "train-images-idx3-ubyte", images, labels
