"""Cross-validation mode: k-fold CV of the current design, one bar per fold as it finishes,
and the mean ± standard deviation across the folds."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from simulator.experiments.tuning import FoldScore, cross_validation_steps
from ui.experiments.plan import Plan, RunContext, format_score, metric_name
from ui.experiments.view import ExperimentView
from ui.style.scaled import styled
from ui.style.theme import COLORS, TICK_FONT_PT, style_plot


class CrossValidationView(ExperimentView):
    title = "Cross-validation"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.k_box = QSpinBox()
        self.k_box.setRange(2, 10)
        self.k_box.setValue(5)
        self.k_box.setToolTip("train k networks, each on k-1 folds, each scored on the fold "
                              "it did not see")
        explain = QLabel("Every sample is held out exactly once: the spread of the fold "
                         "scores shows how much one validation split can mislead.")
        explain.setWordWrap(True)
        styled(explain, "color: #555555;")
        inputs = QHBoxLayout()
        inputs.addWidget(QLabel("Folds k:"))
        inputs.addWidget(self.k_box)
        inputs.addWidget(explain, 1)
        self.summary = QLabel("Run a cross-validation of the current design.")
        self.summary.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.plot = pg.PlotWidget()
        style_plot(self.plot, bottom="fold", left="score")
        self.plot.setMinimumHeight(240)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.6, brush=COLORS["train"],
                                    pen=None)
        self.plot.addItem(self.bars)
        self.band = pg.LinearRegionItem(orientation="horizontal", movable=False,
                                        brush=pg.mkBrush(228, 87, 46, 45),
                                        pen=pg.mkPen(None))
        self.mean_line = pg.InfiniteLine(angle=0, movable=False,
                                         pen=pg.mkPen(COLORS["val"], width=2.5,
                                                      style=pg.QtCore.Qt.PenStyle.DashLine))
        for item in (self.band, self.mean_line):
            item.setVisible(False)
            self.plot.addItem(item)
        self._labels: list[pg.TextItem] = []
        layout = QVBoxLayout(self)
        layout.addLayout(inputs)
        layout.addWidget(self.summary)
        layout.addWidget(self.plot, 1)
        self.k = 0
        self.score_metric = "val_accuracy"
        self.scores: dict[int, float] = {}

    def plan(self, context: RunContext) -> Plan:
        k = self.k_box.value()
        context.check_folds(k)
        self.k, self.score_metric, self.scores = k, context.metric, {}
        name = metric_name(context.metric)
        self.plot.getPlotItem().setLabel("left", f"{name} on the held-out fold")
        self.plot.getAxis("bottom").setTicks([[(i + 1, f"fold {i + 1}") for i in range(k)]])
        self.summary.setText(f"Training {k} networks, one per fold…")
        self._draw()
        events = cross_validation_steps(context.spec, context.x, context.y, k,
                                        context.metric, context.control)
        return Plan(events, k, context.spec.training.epochs)

    def on_event(self, event: Any) -> None:
        if isinstance(event, FoldScore):
            self.scores[event.fold] = event.score
            self._draw()

    def finish(self, stopped: bool) -> None:
        if stopped and len(self.scores) < self.k:
            self.summary.setText(f"Stopped after {len(self.scores)} of {self.k} folds. "
                                 f"{self._mean_text()}")

    def mean_and_std(self) -> tuple[float, float] | None:
        finite = [s for s in self.scores.values() if math.isfinite(s)]
        if not finite:
            return None
        return float(np.mean(finite)), float(np.std(finite))

    def _mean_text(self) -> str:
        stats = self.mean_and_std()
        if stats is None:
            return "No fold finished without diverging." if self.scores else ""
        mean, std = stats
        name = metric_name(self.score_metric)
        done = len(self.scores)
        so_far = "" if done == self.k else f" ({done} of {self.k} folds so far)"
        return (f"Mean {name} {format_score(mean, self.score_metric)} ± "
                f"{format_score(std, self.score_metric)} over {done} folds{so_far}")

    def _draw(self) -> None:
        folds = sorted(self.scores)
        heights = [self.scores[f] if math.isfinite(self.scores[f]) else 0.0 for f in folds]
        top = 1.08 if self.score_metric.endswith("accuracy") else max([*heights, 1e-3]) * 1.25
        font = QFont()
        font.setPointSize(TICK_FONT_PT + 1)
        font.setBold(True)
        self.bars.setOpts(x=[f + 1 for f in folds], height=heights, width=0.6)
        for label in self._labels:
            self.plot.removeItem(label)
        self._labels = []
        for fold, height in zip(folds, heights, strict=True):
            inside = height > 0.15 * top          # white on the bar, or black above it
            label = pg.TextItem(format_score(self.scores[fold], self.score_metric),
                                color="w" if inside else (30, 30, 30),
                                anchor=(0.5, -0.15) if inside else (0.5, 1.1))
            label.setFont(font)
            label.setPos(fold + 1, height)
            self.plot.addItem(label)
            self._labels.append(label)
        stats = self.mean_and_std()
        self.band.setVisible(stats is not None)
        self.mean_line.setVisible(stats is not None)
        if stats is not None:
            mean, std = stats
            self.band.setRegion((mean - std, mean + std))
            self.mean_line.setValue(mean)
        self.plot.setRange(xRange=(0.4, max(self.k, 1) + 0.6), yRange=(0, top), padding=0)
        self.summary.setText(self._mean_text() or self.summary.text())
