"""Views the dataset panel switches between: an image grid, a table, and the class counts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from simulator.data import Dataset
from ui.panels.parts.mosaic import Mosaic, tile
from ui.style.scaled import scaled_text
from ui.style.theme import (
    COLORS,
    MAX_LABELLED_CLASSES,
    TICK_FONT_PT,
    class_color,
    fit_axis_to_labels,
    keep_style,
    plot_font,
    set_title,
    style_plot,
)

#: Examples per class in the image grid (one row per class), and images without classes.
PER_CLASS = 8
MAX_IMAGES = 48
MAX_TABLE_ROWS = 200


def to_display(images: np.ndarray) -> np.ndarray:
    """(n, C, H, W) → (n, H, W, 3) uint8 for display, scaled by the set's own range."""
    images = np.asarray(images, dtype=np.float64)
    low, high = np.nanmin(images), np.nanmax(images)
    scaled = np.clip((images - low) / max(high - low, 1e-12), 0.0, 1.0)
    if scaled.shape[1] == 3:
        rgb = scaled.transpose(0, 2, 3, 1)
    else:
        rgb = np.repeat(scaled[:, :1].transpose(0, 2, 3, 1), 3, axis=-1)
    return (rgb * 255).astype(np.uint8)


def example_indices(dataset: Dataset) -> tuple[np.ndarray, int]:
    """Indices of the examples to show and the number of columns (one row per class)."""
    if dataset.task != "classification":
        return np.arange(min(len(dataset), MAX_IMAGES)), 8
    rows = []
    for label in range(dataset.n_classes):
        found = np.flatnonzero(dataset.y == label)[:PER_CLASS]
        rows.append(np.concatenate([found, -np.ones(PER_CLASS - found.size, dtype=int)]))
    return np.concatenate(rows) if rows else np.empty(0, dtype=int), PER_CLASS


class ImageGridView(pg.PlotWidget):
    """A grid of example images with the class names down the left."""

    sample_clicked = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        style_plot(self, grid=False)
        self.setAspectLocked(True)
        self.invertY(True)
        self.hideAxis("bottom")
        self.getAxis("left").setStyle(tickLength=0)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.addItem(self.image)
        self.indices = np.empty(0, dtype=int)
        self.mosaic: Mosaic | None = None
        self.scene().sigMouseClicked.connect(self._on_click)

    def show_dataset(self, dataset: Dataset) -> None:
        indices, columns = example_indices(dataset)
        shape = dataset.sample_shape
        blank = np.full((1, *shape), np.nan)
        samples = np.concatenate([dataset.x[indices[indices >= 0]], blank])
        rgb = to_display(np.nan_to_num(samples, nan=np.nanmin(samples)))
        pictures = np.full((indices.size, *rgb.shape[1:]), 255, dtype=np.uint8)
        pictures[indices >= 0] = rgb[:-1]
        self.indices = indices
        self.mosaic = tile(pictures, columns=columns, gap=2, fill=255)
        self.image.setImage(self.mosaic.image, autoLevels=False, levels=(0, 255))
        step = self.mosaic.tile_height + self.mosaic.gap
        if dataset.task == "classification":
            ticks = [(r * step + self.mosaic.tile_height / 2, name)
                     for r, name in enumerate(dataset.class_names)]
            self.getAxis("left").setTicks([ticks])
            fit_axis_to_labels(self.getAxis("left"), dataset.class_names)
            self.showAxis("left")
        else:
            self.hideAxis("left")
        self.autoRange(padding=0.01)

    def _on_click(self, event: Any) -> None:
        if self.mosaic is None:
            return
        point = self.getPlotItem().vb.mapSceneToView(event.scenePos())
        tile_index = self.mosaic.tile_at(point.x(), point.y())
        if tile_index is None or tile_index >= self.indices.size:
            return
        if self.indices[tile_index] >= 0:
            self.sample_clicked.emit(int(self.indices[tile_index]))


class TableView(QTableWidget):
    """The first rows of a tabular set: the features, then the target."""

    def show_dataset(self, dataset: Dataset) -> None:
        x = np.asarray(dataset.x).reshape(len(dataset), -1)
        rows = min(len(dataset), MAX_TABLE_ROWS)
        names = [f"x{i + 1}" for i in range(x.shape[1])]
        self.setColumnCount(x.shape[1] + 1)
        self.setRowCount(rows)
        self.setHorizontalHeaderLabels([*names, "target"])
        for r in range(rows):
            for c in range(x.shape[1]):
                self.setItem(r, c, _cell(f"{x[r, c]:.4g}"))
            self.setItem(r, x.shape[1], _cell(_target_text(dataset, r)))
        self.resizeColumnsToContents()


def _cell(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _target_text(dataset: Dataset, row: int) -> str:
    if dataset.task == "classification":
        return dataset.class_names[int(dataset.y[row])]
    return ", ".join(f"{v:.4g}" for v in np.ravel(dataset.y[row]))


class CountsPlot(pg.PlotWidget):
    """Samples per class as coloured bars with the counts written on them, or a histogram of
    the (first) regression target."""

    def __init__(self) -> None:
        super().__init__()
        style_plot(self, grid=False)
        self.setMouseEnabled(x=False, y=False)
        self.setMenuEnabled(False)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.8)
        self.addItem(self.bars)
        self.labels: list[pg.TextItem] = []

    def show_dataset(self, dataset: Dataset) -> None:
        for label in self.labels:
            self.removeItem(label)
        self.labels = []
        if dataset.task == "classification":
            self._show_classes(dataset)
        else:
            self._show_histogram(dataset)
        self.getPlotItem().vb.autoRange(padding=0.02, items=[self.bars])

    def _show_classes(self, dataset: Dataset) -> None:
        """Horizontal bars, so that long class names fit on the left."""
        counts = class_counts(dataset)
        y = np.arange(counts.size)
        self.bars.setOpts(x=None, x0=0, y=y, width=counts, height=0.8, pen=None,
                          brushes=[pg.mkBrush(*class_color(i)) for i in y])
        names = list(dataset.class_names)
        labelled = len(names) <= MAX_LABELLED_CLASSES
        if not labelled:
            names = []
        self.getAxis("left").setTicks([list(zip(y.tolist(), names, strict=False))])
        fit_axis_to_labels(self.getAxis("left"), names)
        self.invertY(True)
        self.hideAxis("bottom")
        set_title(self, "samples" if labelled else
                  f"samples per class ({counts.size:,} classes, too many to name)", 10)
        keep_style(self, "rows", lambda plot: plot.setMinimumHeight(  # under the title's
            rows_height(plot, len(names))))                           # style, on restyle
        for row, count in enumerate(counts if labelled else ()):
            label = scaled_text(pg.TextItem(str(int(count)), color=(255, 255, 255),
                                            anchor=(1.0, 0.5)))
            label.setPos(float(count), float(row))
            self.addItem(label)
            self.labels.append(label)

    def _show_histogram(self, dataset: Dataset) -> None:
        values = np.asarray(dataset.y, dtype=float).reshape(len(dataset), -1)[:, 0]
        counts, edges = np.histogram(values[np.isfinite(values)], bins=30)
        self.bars.setOpts(x0=None, y=None, x=(edges[:-1] + edges[1:]) / 2, height=counts,
                          width=float(edges[1] - edges[0]), pen=None,
                          brushes=[pg.mkBrush(COLORS["train"])] * counts.size)
        self.getAxis("left").setTicks(None)
        self.getAxis("left").setWidth(None)
        self.invertY(False)
        self.showAxis("bottom")
        set_title(self, "", 10)
        style_plot(self, bottom="target value", left="samples", grid=False)
        keep_style(self, "rows", lambda plot: plot.setMinimumHeight(0))

    def label_texts(self) -> list[str]:
        return [label.toPlainText() for label in self.labels]


#: Pixels a bar chart's plot takes besides its title and its data (margins, the empty axis
#: rows): 2 at the normal scale, 9 in presentation mode; kept free with some to spare.
PLOT_FRAME = 16


def rows_height(plot: pg.PlotWidget, rows: int) -> int:
    """The least height of ``plot`` whose ``rows`` named rows (a class each) must not
    overlap: a line of the tick font per row, under the plot's title row (0 rows: none)."""
    if rows == 0:
        return 0
    line = QFontMetrics(plot_font(TICK_FONT_PT)).height()
    title = plot.getPlotItem().layout.rowMinimumHeight(0)
    return round(rows * line + title) + PLOT_FRAME


def class_counts(dataset: Dataset) -> np.ndarray:
    return np.bincount(np.asarray(dataset.y, dtype=np.int64), minlength=dataset.n_classes)
