"""Small building blocks the panels share: a styled live plot, its legend under the data (in as
many rows as its width needs), a growing series drawn at a bounded cost, and a notice line."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsWidget, QLabel

from ui.style.scaled import fixed_axis_width, scaled_label_css
from ui.style.theme import COLORS, TICK_FONT_PT, add_legend, class_color, css_size, style_plot

#: A curve of one point per epoch shows a marker on each point up to this many points.
MARKERS_UP_TO = 60
#: Row of a ``PlotItem``'s layout under its bottom axis (pyqtgraph uses rows 0 to 3).
_LEGEND_ROW = 4
#: Colour of the grid lines (as pyqtgraph's grid at alpha 0.2, on white).
GRID_COLOR = QColor(0, 0, 0, 45)


class Series(Protocol):
    """What :func:`show_series` draws (:class:`ui.panels.parts.envelope.Envelope`)."""

    def __len__(self) -> int: ...

    def points(self) -> tuple[np.ndarray, np.ndarray]: ...

    @property
    def x(self) -> np.ndarray: ...

    @property
    def values(self) -> np.ndarray: ...


class LogAxis(pg.AxisItem):
    """A log axis that labels only 1, 2 and 5 times a power of ten (no crowded minor ticks)."""

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        strings = super().logTickStrings(values, scale, spacing)
        mantissas = np.round(10 ** np.mod(np.asarray(values, dtype=float), 1.0), 3)
        return [s if round(m) in (1, 2, 5) or m >= 9.99 else ""
                for s, m in zip(strings, mantissas, strict=True)]


class SettlingViewBox(pg.ViewBox):
    """A view box whose automatic range moves only when the data need it: when they leave the
    range (it then fits them again, with ``headroom`` to spare on the side they left) or fill
    less than ``fill`` of it (it then fits them). A range set otherwise (a reset, the user's
    zoom) is set as asked.

    A live curve changes its bounds at every update; following them exactly moved the range at
    every redraw, and each move re-lays out both axes' ticks and labels and every item's
    bounds: half the cost of redrawing a long loss curve. Settling, the range moves a few dozen
    times in a run, and the curve never leaves the plot.
    """

    def __init__(self, headroom: float = 0.15, fill: float = 0.5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.headroom, self.fill = headroom, fill

    def setRange(self, rect: Any = None, xRange: Any = None, yRange: Any = None,
                 padding: Any = None, update: bool = True,
                 disableAutoRange: bool = True) -> None:
        if self._updatingRange and rect is None:      # the automatic range
            now = self.viewRange()
            xRange = self._settled(0, now[0], xRange)
            yRange = self._settled(1, now[1], yRange)
            if xRange is None and yRange is None:
                return
        super().setRange(rect, xRange, yRange, padding, update, disableAutoRange)

    def _settled(self, axis: int, now: list[float], target: Any) -> list[float] | None:
        """The range to move to for data that want ``target`` (their bounds with pyqtgraph's
        padding around, and a pen's width); None: stay at ``now``."""
        if target is None:
            return None
        low, high = float(target[0]), float(target[1])
        span = high - low
        # Half the padding is what the target may stand out of the range by: the data stay in
        # view, and the pen's width in pixels (which grows in data units as the range grows)
        # does not move the range at every redraw.
        slack = 0.5 * self.suggestPadding(axis) * span
        out_low, out_high = low < now[0] - slack, high > now[1] + slack
        if not (out_low or out_high):
            return None if span >= self.fill * (now[1] - now[0]) else [low, high]
        if span <= 0:
            return [low, high]
        spare = self.headroom * span          # on the side they left; the other one fits
        return [low - spare if out_low else low, high + spare if out_high else high]


def live_plot(bottom: str, left: str, log_y: bool = False) -> pg.PlotWidget:
    """A plot for curves that grow during training: clipped to the view, peak-downsampled,
    its range settling (:class:`SettlingViewBox`)."""
    if log_y:
        plot = pg.PlotWidget(viewBox=SettlingViewBox(), axisItems={"left": LogAxis("left")})
        plot.setLogMode(y=True)
        fixed_axis_width(plot.getAxis("left"), 72)
    else:
        plot = pg.PlotWidget(viewBox=SettlingViewBox())
    style_plot(plot, bottom=bottom, left=left)
    item = plot.getPlotItem()
    light_grid(item)
    item.setClipToView(True)
    item.setDownsampling(auto=True, mode="peak")
    plot.setMinimumHeight(160)
    return plot


@cache
def class_brush(index: int) -> Any:
    """The brush of class ``index``, one object per class: a scatter whose points share
    brushes renders each symbol once, not once per point (9× faster for 800 points)."""
    return pg.mkBrush(*class_color(index))


def class_brushes(labels: Any) -> list[Any]:
    """One shared brush per point, by its class label."""
    return [class_brush(int(c)) for c in np.ravel(labels)]


class TickGrid(pg.GraphicsObject):
    """Faint lines at the major ticks of a plot's axes, in one drawing call.

    pyqtgraph's own grid (``showGrid``) is drawn by the axes, line by line at every tick level,
    and took most of a live plot's painting time (a 540 × 600 plot of one curve painted in
    5.4 ms with it, 0.6 ms with this grid or with none); this one draws the major ticks the
    axes show, log scales included.
    """

    def __init__(self, item: pg.PlotItem) -> None:
        super().__init__()
        self.item = item
        self.setZValue(-1000)
        self.pen = QPen(GRID_COLOR)
        self.pen.setCosmetic(True)
        self.pen.setWidth(0)

    def boundingRect(self) -> QRectF:
        return self.item.getViewBox().viewRect()

    def viewRangeChanged(self) -> None:
        self.prepareGeometryChange()

    def paint(self, painter: Any, *_args: Any) -> None:
        view = self.item.getViewBox()
        rect = view.viewRect()
        lines = []
        for name, vertical in (("bottom", True), ("left", False)):
            axis = self.item.getAxis(name)
            low, high = (rect.left(), rect.right()) if vertical else (rect.top(), rect.bottom())
            pixels = view.width() if vertical else view.height()
            if pixels <= 0 or not high > low:
                continue
            levels = axis.tickValues(low, high, pixels)
            for value in (levels[0][1] if levels else []):
                lines.append(QLineF(value, rect.top(), value, rect.bottom()) if vertical
                             else QLineF(rect.left(), value, rect.right(), value))
        painter.setPen(self.pen)
        painter.drawLines(lines)


def light_grid(plot: Any) -> TickGrid:
    """Replace a plot's grid by a :class:`TickGrid` (fast to paint)."""
    item = plot.getPlotItem() if hasattr(plot, "getPlotItem") else plot
    item.showGrid(x=False, y=False)
    grid = TickGrid(item)
    item.addItem(grid, ignoreBounds=True)
    return grid


class LegendBelow(pg.LegendItem):
    """A legend under a plot's x axis whose entries flow into as many columns as the plot's
    width holds: a long entry (a fork, a kept reference run), large text or a narrow window
    moves entries to another row instead of cutting them at the plot's edge. It flows again
    whenever its entries, their text or the plot's width change."""

    #: Room kept free on each side of the legend, in pixels (its offset from the plot's left).
    MARGIN = 8

    def __init__(self) -> None:
        super().__init__(offset=(self.MARGIN, -2), labelTextSize=css_size(TICK_FONT_PT))
        self.frame = False           # off the data, it needs no box
        self.layout.setContentsMargins(2, 0, 2, 0)
        self._flowing = False

    def setParentItem(self, parent: Any) -> Any:
        result = super().setParentItem(parent)
        if isinstance(parent, QGraphicsWidget):
            parent.geometryChanged.connect(self.updateSize)    # re-flow on resize
        return result

    def room(self) -> float | None:
        """The width the entries may take: the plot's, less a margin on each side (None
        before the legend has a plot with a size)."""
        parent = self.parentItem()
        if not isinstance(parent, QGraphicsWidget) or parent.size().width() <= 0:
            return None
        left, _top, right, _bottom = self.layout.getContentsMargins()
        return parent.size().width() - 2 * self.MARGIN - left - right

    def updateSize(self) -> None:
        room = self.room()
        if room is not None and not self._flowing:
            self._flowing = True
            try:
                self.setColumnCount(legend_columns(
                    [sample.minimumWidth() for sample, _ in self.items],
                    [label.minimumWidth() for _, label in self.items],
                    self.layout.horizontalSpacing(), room))
            finally:
                self._flowing = False
        super().updateSize()


def legend_columns(samples: Sequence[float], labels: Sequence[float], spacing: float,
                   room: float) -> int:
    """The most columns that entries (a sample of width ``samples[i]`` and a label of width
    ``labels[i]`` each, laid out row by row in a grid whose cells are ``spacing`` apart) can
    take within ``room``; 1 when even two do not fit."""
    count = len(labels)
    for columns in range(count, 1, -1):
        width = sum(max(samples[k::columns]) + max(labels[k::columns])
                    for k in range(columns)) + spacing * (2 * columns - 1)
        if width <= room:
            return columns
    return 1


def legend_below(plot: pg.PlotWidget) -> LegendBelow:
    """The plot's legend under its x axis, entries side by side as the width allows
    (:class:`LegendBelow`): outside the data, so it never hides a curve. Curves made with
    ``name=`` join it, as with ``addLegend``."""
    item = plot.getPlotItem()
    legend = add_legend(plot, legend=LegendBelow())
    legend.setParentItem(item)     # anchored to the whole plot's bottom-left, not the data's
    room = QGraphicsWidget()                      # the row the legend sits over
    item.layout.addItem(room, _LEGEND_ROW, 1)

    def fit() -> None:
        room.setMinimumHeight(legend.height() + 4)
        room.setMaximumHeight(legend.height() + 4)

    legend.geometryChanged.connect(fit)
    fit()
    return legend


def show_series(curve: pg.PlotDataItem, series: Series, symbol: str | None = None) -> None:
    """Hand ``curve`` what ``series`` can show at the plot's resolution (a bounded number of
    points, whatever its length); with ``symbol``, a marker on each point while they are few.

    The curve is drawn segment by segment: Qt strokes a long, wide, antialiased polyline as one
    outline, and a jagged one (a min/max envelope of a noisy loss) took 20 ms to paint instead
    of 5."""
    if curve.curve.opts["segmentedLineMode"] != "on":
        curve.curve.setSegmentedLineMode("on")
    _SHOWN[curve] = series
    x, y = series.points()
    if symbol is not None:
        curve.setSymbol(symbol if len(series) <= MARKERS_UP_TO else None)
        x, y = finite_points(x, y)   # markers cannot be drawn at NaN
    with np.errstate(over="ignore", invalid="ignore"):
        curve.setData(x, y, connect="finite")


_SHOWN: weakref.WeakKeyDictionary[pg.PlotDataItem, Series] = weakref.WeakKeyDictionary()


def full_data(curve: pg.PlotDataItem) -> tuple[np.ndarray, np.ndarray]:
    """Every point of what ``curve`` shows: the whole series handed to :func:`show_series`
    (the curve itself holds only what the plot's pixels can show), else the curve's data."""
    series = _SHOWN.get(curve)
    if series is not None:
        return series.x, series.values
    return curve.xData, curve.yData


def settle_view(plot: Any) -> None:
    """Fit an auto-ranging plot to its new data, and move its items to the new range, now
    rather than while it paints: pyqtgraph defers both to the paint, where the items' new
    bounds ask for a second paint (two for every update). A plot the user zoomed keeps its
    range."""
    view = plot.getViewBox()
    view.updateAutoRange()
    view.updateMatrix()          # the items' bounds follow the range here, not in the paint
    view.updateAutoRange()       # (and may nudge it: a pen's width is in pixels)


def reset_view(plot: Any, x_range: tuple[float, float] = (0.0, 1.0),
               y_range: tuple[float, float] = (0.0, 1.0)) -> None:
    """Forget the last run's zoom: show these ranges until data come, then fit the data."""
    plot.setRange(xRange=x_range, yRange=y_range, padding=0.02)
    plot.enableAutoRange()


class Notice(QLabel):
    """A one-line explanation shown instead of (or above) a plot; hidden when empty."""

    def __init__(self, text: str = "", warning: bool = False) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        color = COLORS["warning"] if warning else "#444444"
        scaled_label_css(self, 11, f"color: {color}; padding: 4px;")
        self.show_text(text)

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


def finite_range(values: np.ndarray) -> tuple[float, float] | None:
    """(min, max) of the finite values, or None when there are none."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None
    return float(finite.min()), float(finite.max())


def finite_points(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Only the points where both coordinates are finite (symbols cannot be drawn at NaN)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]
