"""Gradients per layer over time (log scale), and the units that stopped learning.

Reads ``Snapshot.data["gradients"]`` (:func:`simulator.training.probes.gradient_stats`, the L2
norm of each weight tensor's last gradient) and ``Snapshot.data["activations"]``
(:func:`simulator.training.probes.activation_stats`: ``dead_fraction`` of ReLU units,
``saturated_fraction`` of sigmoid/tanh outputs). Norms that shrink layer after layer towards the
input show vanishing gradients; norms that shoot up show exploding ones. A norm of exactly 0
cannot be drawn on a log scale: the panel says which layers' gradients vanished (all of them,
typically, when every ReLU unit died) instead of showing an empty plot. The norms are
bounded-cost envelopes; curves are made once and reused from one design to the next.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout

from simulator.training.trainer import Snapshot, Started
from ui.panels.base import Panel
from ui.panels.parts.envelope import Envelope
from ui.panels.weights_panel import is_weight
from ui.style.plots import (
    Notice,
    legend_below,
    light_grid,
    live_plot,
    reset_view,
    settle_view,
    show_series,
)
from ui.style.scaled import scaled_label_css, scaled_lines, themed_text
from ui.style.theme import COLORS, TICK_FONT_PT, series_color, style_plot
from ui.training.replay import Replay
from ui.training.session import TrainingSession

DEAD_COLOR = (214, 39, 40)
SATURATED_COLOR = (148, 103, 189)
#: A bar this tall (%) has its label inside it, so the label never leaves a short chart.
LABEL_INSIDE = 60.0


class GradientsPanel(Panel):
    title = "Gradients"
    short_title = "Grads"

    def __init__(self) -> None:
        super().__init__()
        # "norm" (the tab says of what): the longer title was cut on a short plot
        self.plot = live_plot("epoch", "norm", log_y=True)   # the ticks tell: log
        self.legend = legend_below(self.plot)
        self.notice = Notice(warning=True)
        self.units = pg.PlotWidget()
        style_plot(self.units, left="%")
        light_grid(self.units)
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
        layout.addWidget(self.notice)
        layout.addWidget(self.plot, 3)
        layout.addWidget(caption)
        layout.addWidget(self.units, 1)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.norms: dict[str, Envelope] = {}
        #: What the plot says when it has nothing to draw for a run drawn from its history.
        self._history_note = ""
        #: Every curve made so far (the first ``len(curves)`` are in use).
        self._pool: list[pg.PlotDataItem] = []
        self._steps: list[int] = []     # the steps of the norms measured so far
        self._steps_per_epoch = 1
        self._step = 0                   # of the newest norms
        self.labels: list[pg.TextItem] = []
        self.unit_fractions: dict[str, float] = {}
        self._units: dict[str, dict[str, float]] | None = None

    def reset(self, session: TrainingSession | None) -> None:
        for curve in self.curves.values():
            curve.setData([], [])
            curve.hide()
        self.legend.clear()
        self.curves, self.norms, self._steps, self._step = {}, {}, [], 0
        self.unit_fractions, self._units = {}, None
        self.bars.setOpts(x=[], height=[])
        self._set_labels([])
        self.notice.show_text("")
        self._history_note = ""
        epochs = 1.0
        if session is not None:
            self._steps_per_epoch = max(1, session.trainer.steps_per_epoch)
            epochs = float(max(1, session.spec.training.epochs))
            for name in session.network.param_slices:
                if is_weight(name):
                    self._add_curve(name)
        reset_view(self.plot, x_range=(0.0, epochs), y_range=(-3.0, 1.0))
        self.behind = False

    def _add_curve(self, name: str) -> None:
        index = len(self.curves)
        if index == len(self._pool):
            self._pool.append(scaled_lines(self.plot.plot(
                pen=pg.mkPen(series_color(index), width=2.5))))
        curve = self._pool[index]
        curve.show()
        self.legend.addItem(curve, name.rsplit(".", 1)[0])
        self.curves[name] = curve
        self.norms[name] = Envelope(256)
        steps = np.asarray(self._steps, dtype=float) / self._steps_per_epoch
        self.norms[name].extend(steps, np.full(steps.size, np.nan))

    def on_event(self, event: Any) -> None:
        if isinstance(event, Started):
            self._steps_per_epoch = max(1, event.steps_per_epoch)
        elif isinstance(event, Snapshot):
            if "gradients" in event.data:
                self._add_norms(event.step, event.data["gradients"])
                self._history_note = ""
            if "activations" in event.data:
                self._units = event.data["activations"]
            if "gradients" in event.data or "activations" in event.data:
                self.refresh()

    def _add_norms(self, step: int, stats: dict[str, dict[str, Any]]) -> None:
        for name in stats:
            if is_weight(name) and name not in self.curves:
                self._add_curve(name)
        self._steps.append(step)
        self._step = step
        x = np.array([step / self._steps_per_epoch])
        for name, series in self.norms.items():
            norm = float(stats[name]["norm"]) if name in stats else np.nan
            series.extend(x, np.array([norm]))

    def redraw(self) -> None:
        for name, curve in self.curves.items():
            show_series(curve, self.norms[name])
        settle_view(self.plot)
        if self._units is not None:
            self._show_units(self._units)
        self.notice.show_text(self._vanished() or self._history_note)

    def restore(self, replay: Replay) -> None:
        """A run drawn from its history (reopened, or scrubbed on its timeline) has no
        gradient norms: only a training step measures them. Say so rather than draw nothing."""
        super().restore(replay)
        if not any(np.isfinite(series.values).any() for series in self.norms.values()):
            self._history_note = ("Gradients are measured while training: a run drawn from "
                                   "its history has none to show. Train on to see them.")
            self.notice.show_text(self._history_note)

    def _vanished(self) -> str:
        """Which layers' newest gradient is exactly 0 (not drawable on a log scale)."""
        if self._step == 0:       # before the first update every gradient is 0
            return ""
        newest = {name: series.values[-1] for name, series in self.norms.items()
                  if len(series)}
        zero = [name.rsplit(".", 1)[0] for name, norm in newest.items() if norm == 0]
        if not zero:
            return ""
        if len(zero) < len(newest):
            return (f"Gradient 0 (vanished) in {', '.join(zero)}: these weights no longer "
                    "change, and a log scale cannot draw 0.")
        dead = [name for name, value in self.unit_fractions.items() if value >= 99.5]
        why = (f" Every unit of {', '.join(dead)} is dead (its ReLU gives 0 for every "
               "sample)." if dead else "")
        return (f"Every gradient is 0 (vanished): no weight changes any more, so there is no "
                f"curve to draw on this log scale.{why}")

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
                inside = values[i] >= LABEL_INSIDE     # a tall bar holds its label
                label.setAnchor((0.5, 0.0) if inside else (0.5, 1.0))
                label.setColor((255, 255, 255) if inside else COLORS["grid_text"])
                label.setPos(i, values[i] - 2.0 if inside else values[i] + 2.0)

    def norm_series(self, name: str) -> np.ndarray:
        return self.norms[name].values
