"""Gradients per layer over time (log scale), and the units that stopped learning.

Reads ``Snapshot.data["gradients"]`` (:func:`simulator.training.probes.gradient_stats`, the L2
norm of each weight tensor's last gradient) and ``Snapshot.data["activations"]``
(:func:`simulator.training.probes.activation_stats`: ``dead_fraction`` of ReLU units,
``saturated_fraction`` of sigmoid/tanh outputs). Norms that shrink layer after layer towards the
input show vanishing gradients; norms that shoot up show exploding ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout

from simulator.training.trainer import Snapshot, Started
from ui.panels.base import Panel
from ui.panels.parts.growing import GrowingArray
from ui.panels.weights_panel import is_weight
from ui.style.plots import live_plot
from ui.style.scaled import scaled_label_css, scaled_lines, themed_text
from ui.style.theme import COLORS, TICK_FONT_PT, add_legend, series_color, style_plot
from ui.training.session import TrainingSession

DEAD_COLOR = (214, 39, 40)
SATURATED_COLOR = (148, 103, 189)


class GradientsPanel(Panel):
    title = "Gradients"

    def __init__(self) -> None:
        super().__init__()
        self.plot = live_plot("epoch", "gradient norm", log_y=True)   # the ticks tell: log
        self.legend = add_legend(self.plot)
        self.units = pg.PlotWidget()
        style_plot(self.units, left="%")
        self.units.setMouseEnabled(x=False, y=False)
        self.units.setYRange(0, 100, padding=0.05)
        self.units.getAxis("left").setTicks([[(0, "0"), (50, "50"), (100, "100")]])
        self.units.setMinimumHeight(110)
        self.units.setMaximumHeight(170)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7)
        self.units.addItem(self.bars)
        caption = QLabel(f"Units that stopped learning: <span style='color: rgb{DEAD_COLOR}'>"
                         f"dead ReLU</span>, <span style='color: rgb{SATURATED_COLOR}'>"
                         "saturated sigmoid/tanh</span>")
        caption.setWordWrap(True)
        scaled_label_css(caption, TICK_FONT_PT, "color: #444444;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 3)
        layout.addWidget(caption)
        layout.addWidget(self.units, 1)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.norms: dict[str, GrowingArray] = {}
        self._x = GrowingArray()
        self._steps_per_epoch = 1
        self.labels: list[pg.TextItem] = []
        self.unit_fractions: dict[str, float] = {}

    def reset(self, session: TrainingSession | None) -> None:
        for curve in self.curves.values():
            self.plot.removeItem(curve)
        self.legend.clear()
        self.curves, self.norms = {}, {}
        self._x.clear()
        self.unit_fractions = {}
        self.bars.setOpts(x=[], height=[])
        self._set_labels([])
        if session is not None:
            self._steps_per_epoch = max(1, session.trainer.steps_per_epoch)
            for name in session.network.param_slices:
                if is_weight(name):
                    self._add_curve(name)

    def _add_curve(self, name: str) -> None:
        label = name.rsplit(".", 1)[0]
        color = series_color(len(self.curves))
        self.curves[name] = scaled_lines(self.plot.plot(pen=pg.mkPen(color, width=2.5),
                                                        name=label))
        self.norms[name] = GrowingArray(256)
        self.norms[name].extend(np.full(len(self._x), np.nan))

    def on_event(self, event: Any) -> None:
        if isinstance(event, Started):
            self._steps_per_epoch = max(1, event.steps_per_epoch)
        elif isinstance(event, Snapshot):
            if "gradients" in event.data:
                self._show_norms(event.step, event.data["gradients"])
            if "activations" in event.data:
                self._show_units(event.data["activations"])

    def _show_norms(self, step: int, stats: dict[str, dict[str, Any]]) -> None:
        for name in stats:
            if is_weight(name) and name not in self.curves:
                self._add_curve(name)
        self._x.extend(np.array([step / self._steps_per_epoch]))
        for name, curve in self.curves.items():
            norm = float(stats[name]["norm"]) if name in stats else np.nan
            self.norms[name].extend(np.array([norm if norm > 0 else np.nan]))
            curve.setData(self._x.values, self.norms[name].values, connect="finite")

    def _show_units(self, stats: dict[str, dict[str, float]]) -> None:
        names, values, brushes = [], [], []
        for name, layer in stats.items():
            if "dead_fraction" in layer:
                value, color = layer["dead_fraction"], DEAD_COLOR
            elif "saturated_fraction" in layer:
                value, color = layer["saturated_fraction"], SATURATED_COLOR
            else:
                continue
            names.append(name)
            values.append(100.0 * float(value))
            brushes.append(pg.mkBrush(*color))
        self.unit_fractions = dict(zip(names, values, strict=True))
        x = np.arange(len(names))
        self.bars.setOpts(x=x, height=np.asarray(values, dtype=float), brushes=brushes,
                          pen=None, width=0.7)
        self.units.getAxis("bottom").setTicks([list(zip(x.tolist(), names, strict=True))])
        if len(names):
            self.units.setXRange(-0.6, len(names) - 0.4, padding=0)
        self._set_labels(values)

    def _set_labels(self, values: list[float]) -> None:
        while len(self.labels) < len(values):
            label = themed_text(pg.TextItem("", color=COLORS["grid_text"], anchor=(0.5, 1.0)))
            self.units.addItem(label)
            self.labels.append(label)
        for i, label in enumerate(self.labels):
            shown = i < len(values)
            label.setVisible(shown)
            if shown:
                label.setText(f"{values[i]:.0f} %")
                label.setPos(i, min(values[i], 88.0) + 2.0)

    def norm_series(self, name: str) -> np.ndarray:
        return self.norms[name].values
