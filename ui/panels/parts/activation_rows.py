"""One row of the feature-map panel: a layer's output for one sample, drawn to suit its shape.

Images and feature maps (C, H, W) become a grid of C maps; vectors become a heat strip; the
output of a classifier becomes bars labelled with the class names.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetrics

from ui.panels.parts.mosaic import Mosaic, grid_shape, tile
from ui.style.scaled import scaled_label, scaled_text, themed_text
from ui.style.theme import (
    ACTIVATION_CMAP,
    MAX_LABELLED_CLASSES,
    SIGNED_CMAP,
    class_color,
    plot_font,
    plot_scale,
    style_plot,
)

#: Width (pixels) the rows are laid out for; the panel scrolls when there are many.
ROW_WIDTH = 560
MAX_COLUMNS = 8
GREYS = pg.ColorMap(pos=[0.0, 1.0], color=[(0, 0, 0), (255, 255, 255)])
#: Vectors up to this long have their values written in the cells, in this size (points).
MAX_WRITTEN = 16
CELL_FONT_PT = 9


def map_columns(channels: int, height: int, width: int) -> int:
    """Columns for ``channels`` maps: one line when they fit, squarer grids for many."""
    if channels <= MAX_COLUMNS:
        return channels
    return max(MAX_COLUMNS, grid_shape(channels, aspect=2.5 * height / max(width, 1))[1])


def row_height(shape: tuple[int, ...], is_input: bool = False) -> int:
    """Pixels a row needs for an output of ``shape`` (one sample, no batch axis)."""
    if is_input and len(shape) == 3:
        return 110
    if len(shape) == 3:
        c, h, w = shape
        columns = map_columns(c, h, w)
        rows = -(-c // columns)
        ratio = rows * (h + 1) / max(columns * (w + 1), 1)
        return int(np.clip(ROW_WIDTH * ratio, 60, 240))
    return 34


class MapRow:
    """A layer's output as an image: a mosaic of feature maps or a heat strip."""

    is_input = False

    def __init__(self, layout: pg.GraphicsLayout, row: int, title: str,
                 shape: tuple[int, ...]) -> None:
        self.label = scaled_label(layout.addLabel(title, row=row, col=0, justify="left"))
        self.view = layout.addViewBox(row=row + 1, col=0, lockAspect=len(shape) == 3,
                                      invertY=True, enableMouse=False,
                                      enableMenu=False)   # a menu's widgets: slow to make
        self.image = pg.ImageItem(axisOrder="row-major")
        self.view.addItem(self.image)
        self.height = row_height(shape, self.is_input)
        self.shape = shape
        self.mosaic: Mosaic | None = None
        self.values: np.ndarray | None = None
        self.texts: list[pg.TextItem] = []
        self._cells: tuple[np.ndarray, tuple[float, float], bool] | None = None
        if len(shape) == 1 and shape[0] <= MAX_WRITTEN:
            for i in range(shape[0]):
                text = scaled_text(pg.TextItem("", anchor=(0.5, 0.5)), CELL_FONT_PT)
                text.setPos(i + 0.5, 0.5)
                self.view.addItem(text)
                self.texts.append(text)
            self.view.sigResized.connect(lambda _view: self.write_cells())

    def show(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=np.float64)
        self.values = values
        if values.ndim == 3:
            c, h, w = values.shape
            self.mosaic = tile(values, columns=map_columns(c, h, w), gap=1)
            image = self.mosaic.image
        else:
            image = values.reshape(1, -1)
        finite = values[np.isfinite(values)]
        low = float(finite.min()) if finite.size else 0.0
        high = float(finite.max()) if finite.size else 1.0
        if low < 0:   # signed values: zero in the middle of a diverging map
            top = max(abs(low), abs(high), 1e-12)
            self.image.setColorMap(pg.colormap.get(SIGNED_CMAP))
            levels = (-top, top)
        else:
            self.image.setColorMap(pg.colormap.get(ACTIVATION_CMAP))
            levels = (0.0, max(high, 1e-12))
        self.image.setImage(image, autoLevels=False, levels=levels)
        self.image.setRect(QRectF(0, 0, image.shape[1], image.shape[0]))
        self.view.setRange(xRange=(0, image.shape[1]), yRange=(0, image.shape[0]), padding=0.02)
        self._write(values.ravel(), levels, signed=low < 0)

    def clear(self) -> None:
        """Nothing shown (the values are not known yet)."""
        self.values, self.mosaic, self._cells = None, None, None
        self.image.clear()
        for text in self.texts:
            text.setText("")

    def _write(self, values: np.ndarray, levels: tuple[float, float], signed: bool) -> None:
        if len(self.texts) == values.size:
            self._cells = (values, levels, signed)
            self.write_cells()

    def write_cells(self) -> None:
        """The numbers in the cells, white on dark colours and black on light ones; none when
        they would not fit in the cells at the current text size."""
        if self._cells is None:
            return
        values, levels, signed = self._cells
        strings = [f"{value:.2g}" for value in values]
        metrics = QFontMetrics(plot_font(CELL_FONT_PT))
        widest = max(metrics.horizontalAdvance(s) for s in strings)
        fits = widest + 4 <= self.view.width() / len(strings)
        span = max(levels[1] - levels[0], 1e-12)
        for text, value, string in zip(self.texts, values, strings, strict=True):
            t = (value - levels[0]) / span
            dark = abs(t - 0.5) > 0.3 if signed else t < 0.6
            text.setColor((255, 255, 255) if dark else (0, 0, 0))
            text.setText(string if fits else "")


class InputRow(MapRow):
    """The sample itself: grey (or colour) pixels for images, a strip for feature vectors."""

    is_input = True

    def show(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=np.float64)
        if values.ndim == 3 and values.shape[0] in (1, 3):
            self.values = values
            low, high = float(np.nanmin(values)), float(np.nanmax(values))
            scaled = (values - low) / max(high - low, 1e-12)
            image = scaled[0] if values.shape[0] == 1 else scaled.transpose(1, 2, 0)
            self.image.setColorMap(GREYS)
            self.image.setImage(image, autoLevels=False, levels=(0.0, 1.0))
            self.image.setRect(QRectF(0, 0, image.shape[1], image.shape[0]))
            self.view.setRange(xRange=(0, image.shape[1]), yRange=(0, image.shape[0]),
                               padding=0.02)
        else:
            super().show(values)


class OutputRow:
    """A classifier's output: one bar per class, in the class colours, named on the axis."""

    HEIGHT = 150

    def __init__(self, layout: pg.GraphicsLayout, row: int, title: str,
                 class_names: list[str]) -> None:
        self.label = scaled_label(layout.addLabel(title, row=row, col=0, justify="left"))
        self.plot = layout.addPlot(row=row + 1, col=0, enableMenu=False)
        style_plot(self.plot, grid=False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.setYRange(0, 1, padding=0.05)
        self.names = list(class_names)
        x = np.arange(len(self.names))
        self.bars = pg.BarGraphItem(x=x, height=np.zeros(len(x)), width=0.7,
                                    brushes=[pg.mkBrush(*class_color(i)) for i in x])
        self.plot.addItem(self.bars)
        labelled = len(self.names) <= MAX_LABELLED_CLASSES
        self.plot.getAxis("bottom").setTicks(
            [list(zip(x.tolist(), self.names, strict=True)) if labelled else []])
        self.texts = []
        for i in x if labelled else ():
            text = themed_text(pg.TextItem("", color=(30, 30, 30), anchor=(0.5, 1.0)))
            text.setPos(float(i), 0.0)
            self.plot.addItem(text)
            self.texts.append(text)
        self.values: np.ndarray | None = None

    @property
    def height(self) -> int:
        """Pixels for the bars and the class names under them (they grow with the text)."""
        return round(self.HEIGHT * plot_scale())

    def clear(self) -> None:
        self.values = None
        self.bars.setOpts(height=np.zeros(len(self.names)))
        for text in self.texts:
            text.setText("")

    def show(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=np.float64).ravel()
        if values.size == 1 and len(self.names) == 2:   # one sigmoid output: P(class 1)
            values = np.array([1.0 - values[0], values[0]])
        self.values = values
        heights = np.nan_to_num(values[: len(self.names)])
        self.bars.setOpts(height=heights)
        finite = values[np.isfinite(values)]
        low = min(0.0, float(finite.min())) if finite.size else 0.0
        high = max(1.0, float(finite.max())) if finite.size else 1.0
        self.plot.setYRange(low, high * 1.15, padding=0.02)
        probabilities = low >= 0.0 and high <= 1.0 + 1e-6
        for text, value in zip(self.texts, heights, strict=False):
            text.setText(f"{100 * value:.0f} %" if probabilities else f"{value:.2g}")
            text.setPos(text.pos().x(), max(float(value), 0.0))
