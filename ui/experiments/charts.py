"""The search's plots: every trial's score, and a heat map of mean scores for a 2-D grid."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsRectItem

from ui.experiments.plan import format_score
from ui.style.plots import finite_points
from ui.style.scaled import scaled_lines, scaled_text
from ui.style.theme import ACTIVATION_CMAP, COLORS, TICK_FONT_PT, add_legend, axis_label, style_plot

PENDING = (225, 225, 225, 255)      # a heat-map cell whose trial has not finished
BEST_COLOR = "#f4a100"


class TrialScorePlot(pg.PlotWidget):
    """Each trial's fold scores (small dots) and mean (large dot); the best one starred."""

    def __init__(self, metric_label: str = "score") -> None:
        super().__init__()
        style_plot(self, bottom="trial", left=metric_label)
        self.setMinimumHeight(200)
        add_legend(self)
        self.folds = scaled_lines(self.plot(pen=None, symbol="o", symbolSize=6, symbolPen=None,
                                            symbolBrush=(120, 120, 120, 150), name="one fold"))
        self.means = scaled_lines(self.plot(
            pen=pg.mkPen(COLORS["train"], width=1.5), symbol="o", symbolSize=10,
            symbolBrush=COLORS["train"], symbolPen=None, name="mean over folds"))
        self.best = scaled_lines(self.plot(
            pen=None, symbol="star", symbolSize=22, symbolBrush=BEST_COLOR,
            symbolPen=pg.mkPen("k", width=1), name="best"))
        self.getPlotItem().getAxis("bottom").setTickSpacing(major=1, minor=1)

    def show_scores(self, fold_x: list[float], fold_y: list[float], mean_x: list[float],
                    mean_y: list[float], best: tuple[float, float] | None) -> None:
        self.folds.setData(*finite_points(np.array(fold_x), np.array(fold_y)))
        self.means.setData(*finite_points(np.array(mean_x), np.array(mean_y)))
        self.best.setData(*(([best[0]], [best[1]]) if best else ([], [])))
        count = max([0.0, *mean_x, *fold_x])
        self.setXRange(0.5, max(count, 1.0) + 0.5, padding=0)


class ScoreHeatMap(pg.PlotWidget):
    """Mean scores of a 2-parameter grid: one cell per candidate, labelled with its score
    (brighter is better; a grey "…" cell is still to come)."""

    def __init__(self) -> None:
        super().__init__()
        style_plot(self, grid=False)
        self.setMinimumHeight(200)
        self.image = pg.ImageItem()
        self.addItem(self.image)
        self.getPlotItem().invertY(False)
        self.cmap = pg.colormap.get(ACTIVATION_CMAP)
        self._labels: list[pg.TextItem] = []
        self._frame = QGraphicsRectItem()
        self._frame.setPen(pg.mkPen(BEST_COLOR, width=4))
        self._frame.setVisible(False)
        self.addItem(self._frame)
        self.scores = np.zeros((0, 0))
        self.done = np.zeros((0, 0), dtype=bool)
        self._metric = ""

    def set_axes(self, x_label: str, x_values: list[str], y_label: str,
                 y_values: list[str]) -> None:
        item = self.getPlotItem()
        axis_label(item, "bottom", x_label)
        axis_label(item, "left", y_label)
        item.getAxis("bottom").setTicks([list(enumerate(x_values))])
        item.getAxis("left").setTicks([list(enumerate(y_values))])
        self.scores = np.full((len(x_values), len(y_values)), math.nan)
        self.done = np.zeros(self.scores.shape, dtype=bool)
        for label in self._labels:
            self.removeItem(label)
        self._labels = []
        self._frame.setVisible(False)
        self.setRange(xRange=(-0.5, len(x_values) - 0.5), yRange=(-0.5, len(y_values) - 0.5),
                      padding=0.02)
        self._draw()

    def set_score(self, i: int, j: int, score: float, metric: str) -> None:
        self.scores[i, j], self.done[i, j], self._metric = score, True, metric
        self._draw()

    def mark_best(self, i: int | None, j: int | None) -> None:
        if i is None or j is None:
            self._frame.setVisible(False)
            return
        self._frame.setRect(QRectF(i - 0.5, j - 0.5, 1, 1))
        self._frame.setVisible(True)

    def _draw(self) -> None:
        scores = self.scores
        rgba = np.empty((*scores.shape, 4), dtype=np.ubyte)
        rgba[:] = PENDING
        finite = np.isfinite(scores)
        if finite.any():
            low, high = float(scores[finite].min()), float(scores[finite].max())
            scaled = (scores[finite] - low) / (high - low) if high > low else 0.5
            if self._metric.endswith("loss"):
                scaled = 1.0 - scaled                  # bright is better, whatever the metric
            rgba[finite] = self.cmap.map(np.atleast_1d(scaled), mode="byte")
        self.image.setImage(rgba, autoLevels=False)
        self.image.setRect(QRectF(-0.5, -0.5, *scores.shape))    # one unit per cell
        for label in self._labels:
            self.removeItem(label)
        self._labels = []
        for (i, j), score in np.ndenumerate(scores):
            text = format_score(float(score), self._metric) if self.done[i, j] else "…"
            shade = rgba[i, j, :3].astype(float) @ np.array([0.299, 0.587, 0.114])
            label = scaled_text(pg.TextItem(text, color=QColor("black" if shade > 140 else "white"),
                                            anchor=(0.5, 0.5)), TICK_FONT_PT + 1, bold=True)
            label.setPos(i, j)
            self.addItem(label)
            self._labels.append(label)
