"""Accuracy per epoch on the training and validation sets (or a regression set's metric).

Every reset starts from the accuracy axis (a regression run before changes the label for its
own run only) and from an empty view; the curves are bounded-cost envelopes. A run kept as a
reference (:mod:`ui.panels.parts.reference`) shows its curves faintly behind.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from simulator.training.trainer import EpochEnd
from ui.panels.base import Panel
from ui.panels.parts.envelope import Envelope
from ui.panels.parts.reference import ReferenceGhosts
from ui.style.plots import (
    Notice,
    legend_below,
    live_plot,
    reset_view,
    settle_view,
    show_series,
)
from ui.style.scaled import scaled_lines, scaled_text
from ui.style.theme import COLORS, axis_label
from ui.training.session import TrainingSession
from ui.training.worker import epoch_ends

_NOT_METRICS = ("loss", "learning_rate")
ACCURACY_AXIS = "accuracy (%)"


def choose_metric(metrics: dict[str, float]) -> str:
    """The training metric to plot: accuracy when there is one, else the first other metric."""
    if "accuracy" in metrics:
        return "accuracy"
    others = [k for k in metrics if not k.startswith("val_") and k not in _NOT_METRICS]
    return others[0] if others else "loss"


class AccuracyPanel(Panel):
    title = "Accuracy"

    def __init__(self) -> None:
        super().__init__()
        self.plot = live_plot("epoch", ACCURACY_AXIS)
        self.legend = legend_below(self.plot)
        style = {"symbol": "o", "symbolSize": 6, "symbolPen": None}
        self.train_curve = scaled_lines(self.plot.plot(
            pen=pg.mkPen(COLORS["train"], width=2.5), symbolBrush=COLORS["train"], name="train",
            **style))
        self.val_curve = scaled_lines(self.plot.plot(
            pen=pg.mkPen(COLORS["val"], width=2.5), symbolBrush=COLORS["val"],
            name="validation", **style))
        self.chance = pg.InfiniteLine(angle=0, movable=False, label="chance",
                                      pen=pg.mkPen(COLORS["planned"], width=1.5,
                                                   style=Qt.PenStyle.DashLine),
                                      labelOpts={"position": 0.02, "color": COLORS["planned"],
                                                 "anchors": [(0, 1), (0, 1)]})
        scaled_lines(self.chance)
        scaled_text(self.chance.label)
        self.plot.addItem(self.chance)
        self.notice = Notice()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notice)
        layout.addWidget(self.plot, 1)
        self.metric_name: str | None = None
        self._train, self._val = Envelope(256), Envelope(256)
        self.reference = ReferenceGhosts(self.plot, self.legend, {
            "train": (self._train, COLORS["train"]),
            "validation": (self._val, COLORS["val"])}, self.refresh)

    @property
    def train_values(self) -> np.ndarray:
        return self._train.values

    @property
    def validation_values(self) -> np.ndarray:
        return self._val.values

    @property
    def axis_title(self) -> str:
        """The y axis's title as drawn."""
        return str(self.plot.getAxis("left").labelText)

    def reset(self, session: TrainingSession | None) -> None:
        self._train.clear()
        self._val.clear()
        self.metric_name = None
        self.train_curve.setData([], [])
        self.val_curve.setData([], [])
        axis_label(self.plot, "left", ACCURACY_AXIS)
        classes = 0
        if session is not None and session.dataset.task == "classification":
            classes = max(2, len(session.dataset.class_names))
        self.chance.setVisible(classes > 0)
        epochs = 1.0 if session is None else float(max(1, session.spec.training.epochs))
        reset_view(self.plot, x_range=(0.0, epochs), y_range=(0.0, 100.0))
        if classes:
            self.chance.setValue(100.0 / classes)
            self.plot.setYRange(0, 100, padding=0.06)   # room for the 0 and 100 labels
        self.notice.show_text("")
        self.behind = False
        self.reference.follow(session)

    def on_event(self, event: Any) -> None:
        if not isinstance(event, EpochEnd):
            return
        ends = epoch_ends(event)
        if self.metric_name is None:
            self._choose(ends[0].metrics)
        metric = self.metric_name or "accuracy"
        scale = 100.0 if metric == "accuracy" else 1.0
        x = np.array([e.epoch for e in ends], dtype=float)
        self._train.extend(x, [e.metrics.get(metric, np.nan) * scale for e in ends])
        self._val.extend(x, [e.metrics.get(f"val_{metric}", np.nan) * scale for e in ends])
        self.refresh()

    def redraw(self) -> None:
        show_series(self.train_curve, self._train, symbol="o")
        show_series(self.val_curve, self._val, symbol="o")
        self.reference.redraw()
        settle_view(self.plot)

    def _choose(self, metrics: dict[str, float]) -> None:
        self.metric_name = choose_metric(metrics)
        if self.metric_name == "accuracy":
            return
        label = self.metric_name.replace("_", " ")
        axis_label(self.plot, "left", label)
        self.chance.setVisible(False)
        self.plot.enableAutoRange(axis="y")
        if self.metric_name == "loss":
            self.notice.show_text("Accuracy needs classes; this regression run is measured by "
                                  "its loss (lower is better).")
