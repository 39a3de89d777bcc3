"""Accuracy per epoch on the training and validation sets (or a regression set's metric)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from simulator.training.trainer import EpochEnd
from ui.panels.base import Panel
from ui.panels.parts.growing import GrowingArray
from ui.style.plots import Notice, finite_points, live_plot
from ui.style.scaled import scaled_lines, scaled_text
from ui.style.theme import COLORS, add_legend, style_plot
from ui.training.session import TrainingSession

_NOT_METRICS = ("loss", "learning_rate")


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
        self.plot = live_plot("epoch", "accuracy (%)")
        add_legend(self.plot, offset=(-10, -10))
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
        self._epochs = GrowingArray(64)
        self._train, self._val = GrowingArray(64), GrowingArray(64)

    @property
    def train_values(self) -> np.ndarray:
        return self._train.values

    @property
    def validation_values(self) -> np.ndarray:
        return self._val.values

    def reset(self, session: TrainingSession | None) -> None:
        for array in (self._epochs, self._train, self._val):
            array.clear()
        self.metric_name = None
        self.train_curve.setData([], [])
        self.val_curve.setData([], [])
        classes = 0
        if session is not None and session.dataset.task == "classification":
            classes = max(2, len(session.dataset.class_names))
        self.chance.setVisible(classes > 0)
        if classes:
            self.chance.setValue(100.0 / classes)
            self.plot.setYRange(0, 100, padding=0.06)   # room for the 0 and 100 labels
        self.notice.show_text("")

    def on_event(self, event: Any) -> None:
        if not isinstance(event, EpochEnd):
            return
        if self.metric_name is None:
            self._choose(event.metrics)
        metric = self.metric_name or "accuracy"
        scale = 100.0 if metric == "accuracy" else 1.0
        self._epochs.extend(np.array([event.epoch], dtype=float))
        self._train.extend(np.array([event.metrics.get(metric, np.nan) * scale]))
        self._val.extend(np.array([event.metrics.get(f"val_{metric}", np.nan) * scale]))
        x = self._epochs.values
        self.train_curve.setData(*finite_points(x, self._train.values))
        self.val_curve.setData(*finite_points(x, self._val.values))

    def _choose(self, metrics: dict[str, float]) -> None:
        self.metric_name = choose_metric(metrics)
        if self.metric_name == "accuracy":
            return
        label = self.metric_name.replace("_", " ")
        style_plot(self.plot, left=label)
        self.chance.setVisible(False)
        self.plot.enableAutoRange(axis="y")
        if self.metric_name == "loss":
            self.notice.show_text("Accuracy needs classes; this regression run is measured by "
                                  "its loss (lower is better).")
