"""Loss and accuracy curves: every batch (faint), its moving average, and per-epoch values."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout

from simulator.training import EpochEnd, Started
from ui.panels.base import Panel
from ui.panels.growing import GrowingArray
from ui.theme import COLORS
from ui.training.session import TrainingSession
from ui.training.worker import BatchChunk


class LossPanel(Panel):
    title = "Loss"

    def __init__(self) -> None:
        super().__init__()
        self.plot = pg.PlotWidget()
        self.plot.setLabel("bottom", "epoch")
        self.plot.setLabel("left", "loss")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.plot.addLegend(offset=(-10, 10))
        item = self.plot.getPlotItem()
        item.setClipToView(True)
        item.setDownsampling(mode="peak")
        self.batch_curve = self.plot.plot(pen=pg.mkPen(COLORS["batch"], width=1), name="batch")
        self.smooth_curve = self.plot.plot(pen=pg.mkPen(COLORS["train"], width=2),
                                           name="train (smoothed)")
        self.val_curve = self.plot.plot(pen=pg.mkPen(COLORS["val"], width=2), symbol="o",
                                        symbolSize=5, symbolBrush=COLORS["val"],
                                        name="validation")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self._x, self._loss, self._smooth = GrowingArray(), GrowingArray(), GrowingArray()
        self._val_x, self._val = GrowingArray(64), GrowingArray(64)
        self._steps_per_epoch = 1
        self._ema: float | None = None

    @property
    def batch_losses(self) -> np.ndarray:
        return self._loss.values

    @property
    def validation_losses(self) -> np.ndarray:
        return self._val.values

    def reset(self, session: TrainingSession | None) -> None:
        for array in (self._x, self._loss, self._smooth, self._val_x, self._val):
            array.clear()
        self._ema = None
        for curve in (self.batch_curve, self.smooth_curve, self.val_curve):
            curve.setData([], [])

    def on_event(self, event: Any) -> None:
        if isinstance(event, Started):
            self._steps_per_epoch = max(1, event.steps_per_epoch)
        elif isinstance(event, EpochEnd) and "val_loss" in event.metrics:
            self._val_x.extend(np.array([event.epoch]))
            self._val.extend(np.array([event.metrics["val_loss"]]))
            self.val_curve.setData(self._val_x.values, self._val.values)

    def on_batches(self, chunk: BatchChunk) -> None:
        smooth = np.empty(chunk.losses.size)
        ema = self._ema
        for i, value in enumerate(chunk.losses):
            ema = value if ema is None or not np.isfinite(ema) else 0.95 * ema + 0.05 * value
            smooth[i] = ema
        self._ema = ema
        self._x.extend(chunk.steps / self._steps_per_epoch)
        self._loss.extend(chunk.losses)
        self._smooth.extend(smooth)
        self.batch_curve.setData(self._x.values, self._loss.values, connect="finite")
        self.smooth_curve.setData(self._x.values, self._smooth.values, connect="finite")
