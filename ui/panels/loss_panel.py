"""The loss: every batch (faint), its moving average, and the validation loss per epoch; with
an L1/L2 regularizer also the weight penalty per epoch, its own series (the loss curves are the
data loss alone, so training and validation compare like with like).

The curves are :class:`ui.panels.parts.envelope.Envelope` series: however long the run, a
redraw hands pyqtgraph a bounded number of points. A run kept as a reference
(:mod:`ui.panels.parts.reference`) shows its smoothed and validation curves faintly behind.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout

from simulator.training.trainer import EpochEnd, Failed, Started
from ui.panels.base import Panel
from ui.panels.parts.envelope import Envelope
from ui.panels.parts.reference import ReferenceGhosts, faint_curve
from ui.style.plots import (
    Notice,
    finite_points,
    legend_below,
    live_plot,
    reset_view,
    settle_view,
    show_series,
)
from ui.style.scaled import scaled_lines
from ui.style.theme import COLORS, series_color
from ui.training.replay import Replay
from ui.training.session import TrainingSession
from ui.training.worker import BatchChunk, epoch_ends

#: Weight of the newest batch in the smoothed curve (an exponential moving average).
SMOOTHING = 0.05
#: Values the moving average takes in one block of array operations (the weights of a block
#: span SMOOTHING's powers 1 to (1 - SMOOTHING) ** -BLOCK: about 5e5, well inside a float).
BLOCK = 256


def moving_average(values: np.ndarray, ema: float | None,
                   weight: float = SMOOTHING) -> tuple[np.ndarray, float | None]:
    """The exponential moving average of ``values`` after ``ema`` (None: start at the first
    value), and the last average. A value that is not finite is passed over (the average
    stays); a non-finite average starts again at the next value.

    One Python step a value cost 4 % of the interface thread's time at the spiral's 12,000
    batches a second; finite values go by blocks of array operations instead:
    ``y[i] = b**i * (b * y0 + cumsum(a * x * b**-k)[i])`` with ``b = 1 - a``.
    """
    values = np.asarray(values, dtype=float)
    out = np.empty(values.size)
    keep = 1.0 - weight
    start = 0
    while start < values.size:
        if ema is None or not math.isfinite(ema) or not math.isfinite(values[start]):
            value = float(values[start])       # the slow path, one value
            if ema is None or not math.isfinite(ema):
                ema = value
            elif math.isfinite(value):
                ema = keep * ema + weight * value
            out[start] = ema
            start += 1
            continue
        block = values[start:start + BLOCK]
        bad = np.flatnonzero(~np.isfinite(block))
        if bad.size:                            # up to the next value that is not finite
            block = block[:bad[0]]
        k = np.arange(block.size)
        powers = keep ** k
        averaged = powers * (keep * ema + np.cumsum(weight * block / powers))
        out[start:start + block.size] = averaged
        ema = float(averaged[-1])
        start += block.size
    return out, ema




class LossPanel(Panel):
    title = "Loss"

    def __init__(self) -> None:
        super().__init__()
        self.plot = live_plot("epoch", "loss")
        self.legend = legend_below(self.plot)
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
        self._loss, self._smooth, self._val = Envelope(), Envelope(), Envelope(256)
        self._penalty = Envelope(256)
        self._forks: list[pg.PlotDataItem] = []      # forked runs' curves (show_forks)
        self.reference = ReferenceGhosts(self.plot, self.legend, {
            "train (smoothed)": (self._smooth, COLORS["train"]),
            "validation": (self._val, COLORS["val"])}, self.refresh)
        self._steps_per_epoch = 1
        self._ema: float | None = None
        #: The curves to hand new points at the next redraw ("batches", "validation", "penalty").
        self._dirty: set[str] = set()

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
        for series in (self._loss, self._smooth, self._val, self._penalty):
            series.clear()
        self.legend.removeItem(self.penalty_curve)
        self._dirty.clear()
        self._ema = None
        self.notice.show_text("")
        epochs = 1
        if session is not None:
            self._steps_per_epoch = max(1, session.trainer.steps_per_epoch)
            epochs = max(1, session.spec.training.epochs)
        for curve in (self.batch_curve, self.smooth_curve, self.val_curve, self.penalty_curve):
            curve.setData([], [])
        reset_view(self.plot, x_range=(0.0, float(epochs)))
        self.behind = False
        self.reference.follow(session)

    def on_event(self, event: Any) -> None:
        if isinstance(event, Started):
            self._steps_per_epoch = max(1, event.steps_per_epoch)
        elif isinstance(event, EpochEnd):
            every = epoch_ends(event)
            ends = [e for e in every if "val_loss" in e.metrics]
            if ends:
                self._val.extend(np.array([e.epoch for e in ends], dtype=float),
                                 np.array([e.metrics["val_loss"] for e in ends]))
                self._dirty.add("validation")
                self.refresh()
            penalties = [e for e in every if "penalty" in e.metrics]
            if penalties:
                if not len(self._penalty):
                    self.legend.addItem(self.penalty_curve, "L1/L2 penalty")
                self._penalty.extend(np.array([e.epoch for e in penalties], dtype=float),
                                     np.array([e.metrics["penalty"] for e in penalties]))
                self._dirty.add("penalty")
                self.refresh()

    def on_batches(self, chunk: BatchChunk) -> None:
        losses = np.asarray(chunk.losses, dtype=float)
        smooth, self._ema = moving_average(losses, self._ema)
        x = np.asarray(chunk.steps, dtype=float) / self._steps_per_epoch
        self._loss.extend(x, losses)
        self._smooth.extend(x, smooth)
        self._dirty.add("batches")
        self.refresh()

    def redraw(self) -> None:
        """Only the curves with new points (a send brings batches and epochs one by one)."""
        if "batches" in self._dirty:
            show_series(self.batch_curve, self._loss)
            show_series(self.smooth_curve, self._smooth)
        if "validation" in self._dirty:
            show_series(self.val_curve, self._val, symbol="o")
        if "penalty" in self._dirty:
            show_series(self.penalty_curve, self._penalty)
        self._dirty.clear()
        self.reference.redraw()
        settle_view(self.plot)

    def restore(self, replay: Replay) -> None:
        """A project keeps one loss per epoch, not every batch: those epoch means are the
        smoothed curve as they are (a moving average over so few points would lag)."""
        super().restore(replay)
        self._smooth.clear()
        self._smooth.extend(self._loss.x, self._loss.values)
        self._dirty.add("batches")
        self.refresh()

    def show_forks(self, forks: list[tuple[str, np.ndarray, np.ndarray]]) -> None:
        """Draw forked runs beside this one: (name, epochs, losses) each, a faint dashed
        series in the legend; [] removes them."""
        for curve in self._forks:
            self.legend.removeItem(curve)
            self.plot.removeItem(curve)
        self._forks = []
        for i, (name, x, y) in enumerate(forks):
            curve = faint_curve(series_color(3 + i), name)
            curve.setData(*finite_points(x, y))
            self.plot.addItem(curve)          # (named: it joins the legend)
            self._forks.append(curve)

    def on_done(self, event: Any) -> None:
        if isinstance(event, Failed):
            self.notice.show_text(f"Training stopped: {event.message}")
