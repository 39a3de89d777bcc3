"""Small real sessions to feed the panels, and helpers to look at what a panel drew."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from simulator.data import load_dataset
from simulator.spec import NetworkSpec
from simulator.training.trainer import BatchEnd
from ui.training.session import TrainingSession, build_session
from ui.training.worker import BatchChunk

SPIRAL = {
    "input_shape": [2],
    "layers": [
        {"type": "Dense", "name": "hidden_1", "units": 8, "activation": "relu"},
        {"type": "Dense", "name": "hidden_2", "units": 8, "activation": "tanh"},
        {"type": "Dense", "name": "output", "units": 3},
        {"type": "Softmax", "name": "softmax"},
    ],
    "training": {"loss": "cross_entropy", "optimizer": {"type": "adam", "learning_rate": 0.02},
                 "batch_size": 16, "epochs": 4, "validation_split": 0.25,
                 "schedule": {"type": "step", "every_epochs": 2, "factor": 0.5}},
}

CNN = {
    "input_shape": [1, 28, 28],
    "layers": [
        {"type": "Conv2D", "name": "conv1", "filters": 4, "kernel_size": 3,
         "activation": "relu"},
        {"type": "MaxPool2D", "name": "pool1", "pool_size": 2},
        {"type": "Conv2D", "name": "conv2", "filters": 6, "kernel_size": 3,
         "activation": "relu"},
        {"type": "Flatten", "name": "flat"},
        {"type": "Dense", "name": "output", "units": 4},
        {"type": "Softmax", "name": "softmax"},
    ],
    "training": {"loss": "cross_entropy", "optimizer": {"type": "adam", "learning_rate": 0.01},
                 "batch_size": 16, "epochs": 2, "validation_split": 0.25},
}

SINE = {
    "input_shape": [1],
    "layers": [
        {"type": "Dense", "name": "hidden", "units": 8, "activation": "tanh"},
        {"type": "Dense", "name": "output", "units": 1},
    ],
    "training": {"loss": "mse", "optimizer": {"type": "adam", "learning_rate": 0.02},
                 "batch_size": 16, "epochs": 3, "validation_split": 0.2},
}


@pytest.fixture
def spiral_session() -> TrainingSession:
    return build_session(NetworkSpec.from_dict(SPIRAL),
                         load_dataset("spiral", n=120, classes=3, noise=0.1))


@pytest.fixture
def cnn_session() -> TrainingSession:
    return build_session(NetworkSpec.from_dict(CNN), load_dataset("shapes", n=64))


@pytest.fixture
def sine_session() -> TrainingSession:
    return build_session(NetworkSpec.from_dict(SINE), load_dataset("sine", n=80))


def chunk(steps: Any, losses: Any, rates: Any = None) -> BatchChunk:
    """A BatchChunk as the worker sends it (rates default to 0.1)."""
    steps = np.asarray(steps, dtype=np.int64)
    losses = np.asarray(losses, dtype=np.float64)
    rates = np.full(steps.size, 0.1) if rates is None else np.asarray(rates, dtype=float)
    last = BatchEnd(1, int(steps[-1]), int(steps[-1]), float(losses[-1]), float(rates[-1]))
    return BatchChunk(steps, losses, rates, last)


def pixels(widget: QWidget, size: tuple[int, int] = (600, 420)) -> np.ndarray:
    """The widget rendered at ``size`` as an (H, W, 3) uint8 array."""
    widget.resize(*size)
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    width, height = image.width(), image.height()
    stride = image.bytesPerLine()
    raw = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height)
    return raw.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def distinct_colors(image: np.ndarray) -> int:
    return int(np.unique(image.reshape(-1, 3), axis=0).shape[0])


def has_color(image: np.ndarray, color: Any, tolerance: int = 40, at_least: int = 20) -> bool:
    """True when at least ``at_least`` pixels lie within ``tolerance`` of ``color``."""
    from PySide6.QtGui import QColor

    if isinstance(color, str):
        q = QColor(color)
        color = (q.red(), q.green(), q.blue())
    target = np.asarray(color[:3], dtype=int)
    close = np.abs(image.astype(int) - target).max(axis=-1) <= tolerance
    return int(close.sum()) >= at_least
