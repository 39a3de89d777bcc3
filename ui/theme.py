"""Colours, fonts and colour maps shared by every panel, chosen to read well on a projector."""

from __future__ import annotations

from typing import Any

COLORS = {
    "batch": (150, 170, 200, 110),
    "train": "#1f77b4",
    "val": "#e4572e",
    "accent": "#2a9d8f",
    "planned": (120, 120, 120),
    "warning": "#c0392b",
    "grid_text": (60, 60, 60),
}

#: One colour per class (TensorFlow Playground's orange and blue first).
CLASS_COLORS = [
    (245, 147, 34), (8, 119, 189), (46, 160, 67), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
]

#: Curves for several layers at once (dark enough to read on white, distinct in order).
SERIES_COLORS = [
    "#1f77b4", "#e4572e", "#2a9d8f", "#8e44ad", "#d4a017", "#c2185b", "#555555",
    "#17becf", "#7f5539", "#3d5a80",
]

#: Colour maps (pyqtgraph names): activations, signed values, counts.
ACTIVATION_CMAP = "viridis"
SIGNED_CMAP = "CET-D1"
COUNT_CMAP = "CET-L12"
VALUE_CMAP = "plasma"

#: Point sizes: tick labels and axis titles large enough for the back of a classroom.
TICK_FONT_PT = 10
LABEL_FONT_PT = 11


def class_color(index: int) -> tuple[int, int, int]:
    return CLASS_COLORS[int(index) % len(CLASS_COLORS)]


def series_color(index: int) -> str:
    return SERIES_COLORS[int(index) % len(SERIES_COLORS)]


def configure_plots() -> None:
    """Light plots with antialiasing: readable on a projector and in print."""
    import pyqtgraph as pg

    pg.setConfigOptions(background="w", foreground="k", antialias=True)


def style_plot(plot: Any, bottom: str | None = None, left: str | None = None,
               grid: bool = True) -> None:
    """Readable fonts, axis titles and a faint grid on a ``PlotItem`` (or ``PlotWidget``)."""
    from PySide6.QtGui import QFont

    item = plot.getPlotItem() if hasattr(plot, "getPlotItem") else plot
    font = QFont()
    font.setPointSize(TICK_FONT_PT)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setTickFont(font)
        axis.enableAutoSIPrefix(False)
    label_style = {"font-size": f"{LABEL_FONT_PT}pt"}
    if bottom is not None:
        item.setLabel("bottom", bottom, **label_style)
    if left is not None:
        item.setLabel("left", left, **label_style)
    if grid:
        item.showGrid(x=True, y=True, alpha=0.2)
    item.hideButtons()


def add_legend(plot: Any, offset: tuple[int, int] = (-10, 10)) -> Any:
    """A legend with a translucent white background, so curves behind it stay visible."""
    import pyqtgraph as pg

    item = plot.getPlotItem() if hasattr(plot, "getPlotItem") else plot
    return item.addLegend(offset=offset, brush=pg.mkBrush(255, 255, 255, 200),
                          pen=pg.mkPen(200, 200, 200), labelTextSize=f"{TICK_FONT_PT}pt")


def fit_axis_to_labels(axis: Any, labels: list[str], with_title: bool = False) -> None:
    """Make a left axis wide enough for its longest tick label (and its title)."""
    from PySide6.QtGui import QFont, QFontMetrics

    font = QFont()
    font.setPointSize(TICK_FONT_PT)
    widest = max((QFontMetrics(font).horizontalAdvance(t) for t in labels), default=0)
    axis.setWidth(widest + 14 + (24 if with_title else 0))
