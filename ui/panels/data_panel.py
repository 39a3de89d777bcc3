"""The dataset view, shown before training starts: what the network will learn from.

2-D sets are a scatter coloured by class (or by target value), 1-D regression sets the curve's
points, image sets a grid of examples with one row per class, tabular sets a table. Beside the
view: how many samples each class has (or a histogram of the targets).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout

from simulator.data import Dataset
from ui.panels.base import Panel
from ui.panels.parts.data_views import CountsPlot, ImageGridView, TableView
from ui.style.plots import class_brushes
from ui.style.scaled import scaled_label_css, scaled_lines
from ui.style.theme import VALUE_CMAP, class_color, style_plot
from ui.training.session import TrainingSession

#: Most points drawn in a scatter (a random subset beyond it keeps the view responsive).
MAX_POINTS = 3000


class DataPanel(Panel):
    """A :class:`Panel` that shows ``session.dataset`` on reset (it ignores training events)."""

    title = "Dataset"
    #: The index (into the dataset) of a sample the user clicked.
    sample_chosen = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        scaled_label_css(self.caption, 11, "padding: 2px;")
        self.scatter_plot = pg.PlotWidget()
        style_plot(self.scatter_plot)
        self.scatter = scaled_lines(pg.ScatterPlotItem(size=7,
                                                       pen=pg.mkPen(40, 40, 40, 160, width=0.8)))
        self.scatter.sigClicked.connect(self._on_point_clicked)
        self.scatter_plot.addItem(self.scatter)
        self.images = ImageGridView()
        self.images.sample_clicked.connect(self.sample_chosen)
        self.table = TableView()
        self.stack = QStackedWidget()
        for view in (self.scatter_plot, self.images, self.table):
            self.stack.addWidget(view)
        self.counts = CountsPlot()
        row = QHBoxLayout()
        row.addWidget(self.stack, 3)
        row.addWidget(self.counts, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addLayout(row, 1)
        self.dataset: Dataset | None = None
        self.view_kind = "none"

    def reset(self, session: TrainingSession | None) -> None:
        self.show_dataset(None if session is None else session.dataset)
        if session is not None and session.preprocessor is not None:   # what the run feeds in
            self.caption.setText(f"{self.caption.text()}<br>Preprocessing: "
                                 f"{session.preprocessor.describe()}")

    def show_dataset(self, dataset: Dataset | None) -> None:
        self.dataset = dataset
        if dataset is None:
            self.caption.setText("No dataset.")
            self.scatter.setData([])
            self.view_kind = "none"
            return
        self.caption.setText(_caption(dataset))
        shape = dataset.sample_shape
        if len(shape) == 3:
            self.view_kind = "images"
            self.images.show_dataset(dataset)
            self.stack.setCurrentWidget(self.images)
        elif len(shape) == 1 and shape[0] in (1, 2):
            self.view_kind = "scatter"
            self._show_scatter(dataset)
            self.stack.setCurrentWidget(self.scatter_plot)
        else:
            self.view_kind = "table"
            self.table.show_dataset(dataset)
            self.stack.setCurrentWidget(self.table)
        self.counts.show_dataset(dataset)

    def _show_scatter(self, dataset: Dataset) -> None:
        x = np.asarray(dataset.x, dtype=float).reshape(len(dataset), -1)
        y = np.asarray(dataset.y)
        index = np.arange(len(x))
        if len(x) > MAX_POINTS:
            index = np.sort(np.random.default_rng(0).choice(len(x), MAX_POINTS, replace=False))
        if x.shape[1] == 1:   # 1-D regression: the target over the input
            px, py = x[index, 0], y[index].reshape(len(index), -1)[:, 0]
            brushes: Any = pg.mkBrush(class_color(1))
            style_plot(self.scatter_plot, bottom="x", left="y")
        else:
            px, py = x[index, 0], x[index, 1]
            style_plot(self.scatter_plot, bottom="x₁", left="x₂")
            if dataset.task == "classification":
                brushes = class_brushes(y[index])
            else:
                brushes = _value_brushes(y[index].reshape(len(index), -1)[:, 0])
        self.scatter.setData(x=px, y=py, brush=brushes, data=index)
        self.scatter_plot.autoRange()

    def _on_point_clicked(self, _item: Any, points: Any, *_args: Any) -> None:
        if len(points):
            self.sample_chosen.emit(int(points[0].data()))


def _value_brushes(values: np.ndarray) -> list[Any]:
    cmap = pg.colormap.get(VALUE_CMAP)
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    scaled = (values - low) / max(high - low, 1e-12)
    return [pg.mkBrush(c) for c in cmap.mapToQColor(scaled)]


def _caption(dataset: Dataset) -> str:
    shape = " × ".join(str(d) for d in dataset.sample_shape)
    text = f"<b>{dataset.name}</b>: {len(dataset)} samples of shape {shape}, {dataset.task}"
    if dataset.task == "classification":
        text += f", {dataset.n_classes} classes"
    if dataset.description:
        text += f"<br>{dataset.description}"
    return text
