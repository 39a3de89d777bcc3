"""The decision boundary: the network's class probabilities over the plane, with the data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QLabel, QVBoxLayout

from simulator.training import Snapshot
from ui.panels.base import Panel
from ui.theme import CLASS_COLORS
from ui.training.session import TrainingSession


def probabilities_to_rgb(grid: np.ndarray) -> np.ndarray:
    """(H, W, K) class scores → (H, W, 3) uint8: class colours blended by probability, paled."""
    if grid.shape[-1] == 1:  # one sigmoid output: P(class 1)
        grid = np.concatenate([1.0 - grid, grid], axis=-1)
    k = grid.shape[-1]
    colors = np.array([CLASS_COLORS[i % len(CLASS_COLORS)] for i in range(k)], dtype=float)
    probs = np.clip(grid, 0.0, 1.0)
    probs = probs / np.maximum(probs.sum(axis=-1, keepdims=True), 1e-12)
    rgb = probs @ colors
    confidence = probs.max(axis=-1, keepdims=True)
    strength = 0.25 + 0.55 * (confidence - 1.0 / k) / (1.0 - 1.0 / k)
    rgb = 255.0 * (1.0 - strength) + rgb * strength
    return np.clip(rgb, 0, 255).astype(np.uint8)


class BoundaryPanel(Panel):
    title = "Decision boundary"

    def __init__(self) -> None:
        super().__init__()
        self.plot = pg.PlotWidget()
        self.plot.setAspectLocked(True)
        self.plot.hideButtons()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.scatter = pg.ScatterPlotItem(size=7, pen=pg.mkPen(40, 40, 40, 200, width=0.8))
        self.plot.addItem(self.scatter)
        self.message = QLabel("The decision boundary is drawn for networks with 2 inputs.")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        layout.addWidget(self.message)
        self.last_grid: np.ndarray | None = None

    def reset(self, session: TrainingSession | None) -> None:
        self.last_grid = None
        self.image.clear()
        show = session is not None and session.grid_bounds is not None
        self.plot.setVisible(show)
        self.message.setVisible(not show)
        if not show:
            self.scatter.setData([])
            return
        x, y = session.x_train, session.y_train
        brushes = [pg.mkBrush(*CLASS_COLORS[int(c) % len(CLASS_COLORS)]) for c in y]
        self.scatter.setData(x=x[:, 0], y=x[:, 1], brush=brushes)
        x0, x1, y0, y1 = session.grid_bounds
        self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def on_event(self, event: Any) -> None:
        if isinstance(event, Snapshot) and "decision" in event.data:
            payload = event.data["decision"]
            self.last_grid = payload["grid"]
            x0, x1, y0, y1 = payload["bounds"]
            self.image.setImage(probabilities_to_rgb(self.last_grid), autoLevels=False,
                                levels=(0, 255))
            self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
