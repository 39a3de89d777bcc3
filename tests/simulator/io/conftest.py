"""Fixtures shared by the model-file tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.data import Preprocessor
from simulator.io import LoadedModel, load_model, save_model
from tests.simulator.io.builders import MLP, build


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, LoadedModel]:
    network = build(MLP, seed=5)
    x = np.random.default_rng(1).normal(3.0, 2.0, (40, 4))
    path = save_model(tmp_path / "mlp.bpmodel", network,
                      preprocessor=Preprocessor("standardize").fit(x),
                      class_names=["cat", "dog", "eel"], metrics={"accuracy": 0.75},
                      created="2024-01-02T03:04:05Z")
    return path, load_model(path)
