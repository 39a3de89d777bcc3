"""The loss: every batch (faint), its moving average, and the validation loss per epoch; with
an L1/L2 regularizer also the weight penalty per epoch, its own series (the loss curves are the
data loss alone, so training and validation compare like with like)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout

from simulator.training.trainer import EpochEnd, Failed, Started
from ui.panels.base import Panel
from ui.panels.parts.growing import GrowingArray
from ui.style.plots import Notice, finite_points, live_plot
from ui.style.scaled import scaled_lines
from ui.style.theme import COLORS, add_legend, series_color
from ui.training.replay import Replay
from ui.training.session import TrainingSession
from ui.training.worker import BatchChunk

#: Weight of the newest batch in the smoothed curve (an exponential moving average).
SMOOTHING = 0.05


class LossPanel(Panel):
    title = "Loss"

    def __init__(self) -> None:
        super().__init__()
        self.plot = live_plot("epoch", "loss")
        self.legend = add_legend(self.plot)
        self.batch_curve = scaled_lines(self.plot.plot(pen=pg.mkPen(COLORS["batch"], width=1),
                                                       name="batch"))
        self.smooth_curve = scaled_lines(self.plot.plot(pen=pg.mkPen(COLORS["train"], width=2.5),
                                                        name="train (smoothed)"))
        self.val_curve = scaled_lines(self.plot.plot(
            pen=pg.mkPen(COLORS["val"], width=2.5), symbol="o", symbolSize=6,
            symbolBrush=COLORS["val"], symbolPen=None, name="validation"))
        # Joins the legend when a run reports a penalty (most runs have none).
        self.penalty_curve = scaled_lines(self.plot.plot(
            pen=pg.mkPen(COLORS["accent"], width=2, style=Qt.PenStyle.DashLine)))
        self.log_box = QCheckBox("log scale")
        self.log_box.toggled.connect(lambda on: self.plot.setLogMode(y=on))
        self.notice = Notice(warning=True)
        controls = QHBoxLayout()
        controls.addStretch(1)
        controls.addWidget(self.log_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.notice)
        layout.addWidget(self.plot, 1)
        self._x, self._loss, self._smooth = GrowingArray(), GrowingArray(), GrowingArray()
        self._val_x, self._val = GrowingArray(64), GrowingArray(64)
        self._penalty_x, self._penalty = GrowingArray(64), GrowingArray(64)
        self._steps_per_epoch = 1
        self._ema: float | None = None

    @property
    def batch_losses(self) -> np.ndarray:
        return self._loss.values

    @property
    def smoothed_losses(self) -> np.ndarray:
        return self._smooth.values

    @property
    def validation_losses(self) -> np.ndarray:
        return self._val.values

    @property
    def penalties(self) -> np.ndarray:
        return self._penalty.values

    def reset(self, session: TrainingSession | None) -> None:
        for array in (self._x, self._loss, self._smooth, self._val_x, self._val,
                      self._penalty_x, self._penalty):
            array.clear()
        self.legend.removeItem(self.penalty_curve)
        self._ema = None
        self.notice.show_text("")
        if session is not None:
            self._steps_per_epoch = max(1, session.trainer.steps_per_epoch)
        for curve in (self.batch_curve, self.smooth_curve, self.val_curve, self.penalty_curve):
            curve.setData([], [])

    def on_event(self, event: Any) -> None:
        if isinstance(event, Started):
            self._steps_per_epoch = max(1, event.steps_per_epoch)
        elif isinstance(event, EpochEnd) and "val_loss" in event.metrics:
            self._val_x.extend(np.array([event.epoch]))
            self._val.extend(np.array([event.metrics["val_loss"]]))
            self.val_curve.setData(*finite_points(self._val_x.values, self._val.values))
        if isinstance(event, EpochEnd) and "penalty" in event.metrics:
            if not self._penalty.values.size:
                self.legend.addItem(self.penalty_curve, "L1/L2 penalty")
            self._penalty_x.extend(np.array([event.epoch]))
            self._penalty.extend(np.array([event.metrics["penalty"]]))
            self.penalty_curve.setData(*finite_points(self._penalty_x.values,
                                                      self._penalty.values))

    def on_batches(self, chunk: BatchChunk) -> None:
        losses = np.asarray(chunk.losses, dtype=float)
        smooth = np.empty(losses.size)
        ema = self._ema
        for i, value in enumerate(losses):
            if ema is None or not np.isfinite(ema):
                ema = value
            elif np.isfinite(value):
                ema = (1.0 - SMOOTHING) * ema + SMOOTHING * value
            smooth[i] = ema
        self._ema = ema
        self._x.extend(np.asarray(chunk.steps, dtype=float) / self._steps_per_epoch)
        self._loss.extend(losses)
        self._smooth.extend(smooth)
        with np.errstate(over="ignore", invalid="ignore"):
            self.batch_curve.setData(self._x.values, self._loss.values, connect="finite")
            self.smooth_curve.setData(self._x.values, self._smooth.values, connect="finite")

    def restore(self, replay: Replay) -> None:
        """A project keeps one loss per epoch, not every batch: those epoch means are the
        smoothed curve as they are (a moving average over so few points would lag)."""
        super().restore(replay)
        self._smooth.clear()
        self._smooth.extend(self._loss.values)
        self.smooth_curve.setData(self._x.values, self._smooth.values, connect="finite")

    def show_forks(self, forks: list[tuple[str, np.ndarray, np.ndarray]]) -> None:
        """Draw forked runs beside this one: (name, epochs, losses) each, a faint dashed
        series in the legend; [] removes them."""
        for curve in getattr(self, "_forks", []):
            self.legend.removeItem(curve)
            self.plot.removeItem(curve)
        self._forks = []
        for i, (name, x, y) in enumerate(forks):
            curve = scaled_lines(self.plot.plot(*finite_points(x, y), name=name, pen=pg.mkPen(
                series_color(3 + i), width=2, style=Qt.PenStyle.DashLine)))
            curve.setOpacity(0.6)
            self._forks.append(curve)

    def on_done(self, event: Any) -> None:
        if isinstance(event, Failed):
            self.notice.show_text(f"Training stopped: {event.message}")
