"""Weight histograms per layer, small multiples updated in place, with the start for reference;
for a network with Conv2D layers, each layer's kernels as images instead ("filters as images",
on by default for them).

Reads ``Snapshot.data["weights"]`` (:func:`simulator.training.probes.weight_stats`):
``{"layer.param": {"counts", "edges", "mean", "std", "norm"}}``, histograms the worker computed:
drawing one is setting a few dozen bars; and ``Snapshot.data["kernels"]``
(:func:`simulator.training.probes.conv_kernels`), drawn by
:class:`ui.panels.parts.kernel_tiles.KernelImages` (one image per layer). The small plots are
made once and reused from one design to the next (taking plot items out of a pyqtgraph scene
for good can leave it pointing at deleted ones).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout

from simulator.layers.conv import Conv2D
from simulator.training.trainer import Snapshot
from ui.panels.base import Panel
from ui.panels.parts.kernel_tiles import KernelImages
from ui.style.plots import Notice, light_grid
from ui.style.scaled import scaled_label_css, scaled_lines
from ui.style.theme import COLORS, TICK_FONT_PT, axis_label, series_color, set_title, style_plot
from ui.training.session import TrainingSession


def is_weight(name: str) -> bool:
    """Weight matrices and kernels (``"dense.W"``), not biases or normalisation scales."""
    return name.rsplit(".", 1)[-1] == "W"


HISTOGRAM_LEGEND = ("How many weights have each value (under each: mean ± standard "
                    "deviation); dashed: before training.")
KERNEL_LEGEND = "Kernels: red +, blue −, white 0"


class _Histogram:
    """One small plot: the current histogram filled, the first one seen as an outline."""

    def __init__(self, color: str) -> None:
        self.plot = pg.PlotItem()
        style_plot(self.plot)
        light_grid(self.plot)
        self.plot.setMouseEnabled(x=False, y=False)
        fill = pg.mkColor(color)
        fill.setAlpha(110)
        # Steps are straight lines along the pixels: antialiasing them (a dashed outline and a
        # translucent fill above all) only costs painting time.
        self.start = scaled_lines(pg.PlotDataItem(stepMode="center", antialias=False,
                                                  pen=pg.mkPen(COLORS["planned"], width=1.5,
                                                               style=Qt.PenStyle.DashLine)))
        self.now = scaled_lines(pg.PlotDataItem(stepMode="center", fillLevel=0, brush=fill,
                                                antialias=False,
                                                pen=pg.mkPen(color, width=1.5)))
        self.plot.addItem(self.start)
        self.plot.addItem(self.now)
        self._caption = ""
        self._first: dict[str, Any] | None = None

    def clear(self, title: str) -> None:
        set_title(self.plot, f"<b>{title}</b>", TICK_FONT_PT)
        self.start.setData([], [])
        self.now.setData([], [])
        self._first = None
        self._set_caption("")

    def update(self, stats: dict[str, Any], first: dict[str, Any]) -> None:
        if first is not self._first:
            self._first = first
            self.start.setData(np.asarray(first["edges"], dtype=float),
                               np.asarray(first["counts"], dtype=float))
        self.now.setData(np.asarray(stats["edges"], dtype=float),
                         np.asarray(stats["counts"], dtype=float))
        self._set_caption(f"{stats['mean']:+.2f} ± {stats['std']:.2f}")

    def _set_caption(self, text: str) -> None:
        if text != self._caption:
            self._caption = text
            axis_label(self.plot, "bottom", text, TICK_FONT_PT)


class WeightsPanel(Panel):
    title = "Weights"

    def __init__(self) -> None:
        super().__init__()
        self.view = pg.GraphicsLayoutWidget()
        self.view.setMinimumHeight(200)
        self.bias_box = QCheckBox("biases too")
        self.bias_box.toggled.connect(self._rebuild_from_last)
        self.notice = Notice("Weight histograms appear when training starts.")
        self.legend = QLabel(HISTOGRAM_LEGEND)
        self.legend.setWordWrap(True)
        scaled_label_css(self.legend, 10, "color: #444444;")
        # A network with Conv2D layers shows its kernels as images, in place of the
        # histograms (at 1280 × 720 a panel is too short for both to be readable).
        self.filters_box = QCheckBox("filters as images")
        self.filters_box.setChecked(True)
        self.filters_box.setToolTip("Each Conv2D layer's kernels as small images, instead of "
                                    "the histograms: red positive, blue negative, white 0, "
                                    "scaled to ± the layer's largest weight; a layer with "
                                    "many input channels has a row of kernels per channel")
        self.filters_box.hide()
        self.filters_box.toggled.connect(self._show_mode)
        # Which Conv2D layer's filters: every one, or one filling the panel (a deep layer's
        # channels × filters block is too small to read beside the others).
        self.layer_box = QComboBox()
        self.layer_box.setToolTip("Show the filters of every Conv2D layer, or of one layer "
                                  "at the panel's full size")
        self.layer_box.hide()
        self.layer_box.activated.connect(lambda _i: self._build_kernels())
        controls = QHBoxLayout()
        controls.addWidget(self.legend, 1)
        controls.addWidget(self.bias_box)
        controls.addWidget(self.layer_box)
        controls.addWidget(self.filters_box)
        self.kernel_view = pg.GraphicsLayoutWidget()
        self.kernel_view.setMinimumHeight(160)
        self.kernel_view.hide()
        self.kernels = KernelImages(self.kernel_view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.notice)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.kernel_view, 1)
        self.histograms: dict[str, _Histogram] = {}
        #: Every small plot made so far, in order (the first ``len(histograms)`` are shown).
        self._pool: list[_Histogram] = []
        self._names: list[str] = []
        self._last: dict[str, dict[str, Any]] | None = None
        #: The first histogram seen of every tensor (drawn as the dashed outline).
        self.first: dict[str, dict[str, Any]] = {}
        #: The last ``kernels`` payload (Conv2D kernels), drawn by ``self.kernels``.
        self._kernels: dict[str, dict[str, Any]] | None = None

    def reset(self, session: TrainingSession | None) -> None:
        self._last = None
        self.first = {}
        names = [] if session is None else list(session.network.param_slices)
        self._build(names)
        self._kernels = None
        convolutions = [] if session is None else [
            node.name for node in session.network.nodes if isinstance(node.layer, Conv2D)]
        self.layer_box.clear()
        if len(convolutions) > 1:
            self.layer_box.addItem("every layer", convolutions)
        for name in convolutions:
            self.layer_box.addItem(name, [name])
        self._build_kernels()
        self.filters_box.setVisible(bool(convolutions))
        self._show_mode()
        self.notice.show_text("Weight histograms appear when training starts."
                              if self.histograms or session is None else
                              "This network has no weights.")
        self.behind = False

    def _build_kernels(self) -> None:
        chosen = self.layer_box.currentData()
        self.kernels.build(list(chosen) if chosen else [])
        self.refresh()

    def showing_filters(self) -> bool:
        """True while the kernels are shown as images (instead of the histograms)."""
        return bool(self.kernels.names) and self.filters_box.isChecked()

    def _show_mode(self) -> None:
        filters = self.showing_filters()
        self.kernel_view.setVisible(filters)
        self.layer_box.setVisible(filters and self.layer_box.count() > 1)
        self.view.setVisible(not filters)
        self.bias_box.setVisible(not filters)
        self.legend.setText(KERNEL_LEGEND if filters else HISTOGRAM_LEGEND)
        self.refresh()

    def _shown(self, names: list[str]) -> list[str]:
        return [n for n in names if self.bias_box.isChecked() or is_weight(n)]

    def _build(self, names: list[str]) -> None:
        self._names = list(names)
        layout = self.view.ci
        for histogram in self.histograms.values():
            layout.removeItem(histogram.plot)
        self.histograms = {}
        shown = self._shown(names)
        columns = len(shown) if len(shown) <= 3 else 2 if len(shown) == 4 else 3
        while len(self._pool) < len(shown):
            self._pool.append(_Histogram(series_color(len(self._pool))))
        for i, name in enumerate(shown):
            histogram = self._pool[i]
            # The layer's name: three fit side by side (with biases: "layer.W", "layer.b").
            histogram.clear(name if self.bias_box.isChecked() else name.rsplit(".", 1)[0])
            layout.addItem(histogram.plot, row=i // columns, col=i % columns)
            self.histograms[name] = histogram

    def _rebuild_from_last(self) -> None:
        self._build(self._names or list(self._last or {}))
        self.refresh()

    def on_event(self, event: Any) -> None:
        if isinstance(event, Snapshot) and "kernels" in event.data:
            self._kernels = event.data["kernels"]
            self.refresh()
        if isinstance(event, Snapshot) and "weights" in event.data:
            stats = event.data["weights"]
            self._last = stats
            for name, value in stats.items():
                self.first.setdefault(name, value)
            self.refresh()

    def redraw(self) -> None:
        if self._kernels is not None and self.showing_filters():
            self.kernels.show(self._kernels)
        stats = self._last
        if stats is None:
            return
        if set(self._shown(list(stats))) != set(self.histograms):
            self._build(list(stats))
        self.notice.show_text("")
        for name, histogram in self.histograms.items():
            histogram.update(stats[name], self.first[name])
