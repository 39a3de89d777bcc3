"""Colours, fonts and colour maps shared by every panel, chosen to read well on a projector.

Plot text and lines follow one size setting, :func:`plot_scale`: 1 normally, larger in View ▸
Presentation mode. The helpers here and in :mod:`ui.style.scaled` draw at the current scale and
remember, on the item they style, how they did it (functions of the item alone, under
``_theme_stylers``); :func:`restyle` replays them after a change of scale, so a window's
existing plots are redrawn in place, with their curves, data and zoom untouched.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, SupportsIndex

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

#: Point sizes at scale 1: tick labels and axis titles large enough for the back of a classroom.
TICK_FONT_PT = 10
LABEL_FONT_PT = 11
#: The plot scale in presentation mode; lines and markers grow by ``LINE_SHARE`` of the
#: text's growth (a little thicker, not as much as the text).
PRESENTATION_SCALE = 1.4
LINE_SHARE = 0.5

Styler = Callable[[Any], None]
_STYLERS = "_theme_stylers"
_state = {"scale": 1.0}


#: Above this many classes a plot writes no text per class (names, counts, values): thousands
#: of text items take minutes to lay out and cannot be read anyway.
MAX_LABELLED_CLASSES = 40


def class_color(index: SupportsIndex) -> tuple[int, int, int]:
    """The colour of class ``index`` (a Python or NumPy integer)."""
    return CLASS_COLORS[operator.index(index) % len(CLASS_COLORS)]


def series_color(index: int) -> str:
    return SERIES_COLORS[int(index) % len(SERIES_COLORS)]


def configure_plots() -> None:
    """Light plots with antialiasing: readable on a projector and in print."""
    import pyqtgraph as pg

    pg.setConfigOptions(background="w", foreground="k", antialias=True)


# ----- the scale ------------------------------------------------------------------------
def plot_scale() -> float:
    return _state["scale"]


def set_plot_scale(scale: float) -> None:
    """Draw plot text at ``scale`` times its size from now on (:func:`restyle` redraws)."""
    if not scale > 0:
        raise ValueError(f"the plot scale must be positive, got {scale!r}")
    _state["scale"] = float(scale)


def scaled_pt(base_pt: float) -> int:
    """A point size at the current scale."""
    return max(1, round(base_pt * plot_scale()))


def css_size(base_pt: float) -> str:
    return f"{scaled_pt(base_pt)}pt"


def plot_font(base_pt: float = TICK_FONT_PT, bold: bool = False) -> Any:
    """A QFont of ``base_pt`` points at the current scale."""
    from PySide6.QtGui import QFont

    font = QFont()
    font.setPointSize(scaled_pt(base_pt))
    font.setBold(bold)
    return font


# ----- styling that follows the scale ---------------------------------------------------
def keep_style(target: Any, key: str, styler: Styler) -> None:
    """Style ``target`` (a graphics item or a widget) now, and again on every :func:`restyle`.

    ``key`` names the aspect styled: a later call with the same key replaces the styler.
    """
    stylers = getattr(target, _STYLERS, None)
    if stylers is None:
        stylers = {}
        setattr(target, _STYLERS, stylers)
    stylers[key] = styler
    styler(target)


def restyle(root: Any) -> None:
    """Redraw every styled plot item, then every styled widget, under widget ``root``."""
    from PySide6.QtWidgets import QGraphicsView, QWidget

    widgets = [root, *root.findChildren(QWidget)]
    for view in widgets:
        if isinstance(view, QGraphicsView) and view.scene() is not None:
            for item in view.scene().items():
                _replay(item)
    for widget in widgets:
        _replay(widget)


def _replay(target: Any) -> None:
    for styler in list(getattr(target, _STYLERS, {}).values()):
        styler(target)


def _plot_item(plot: Any) -> Any:
    return plot.getPlotItem() if hasattr(plot, "getPlotItem") else plot


def style_plot(plot: Any, bottom: str | None = None, left: str | None = None,
               grid: bool = True) -> None:
    """Readable fonts, axis titles and a faint grid on a ``PlotItem`` (or ``PlotWidget``)."""
    item = _plot_item(plot)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        # Plain numbers: no ranges where an SI prefix applies (disabling the prefix alone
        # freezes the one of the moment: 0.5 could read "500" for good).
        axis.setSIPrefixEnableRanges(())
        axis.enableAutoSIPrefix(False)
    keep_style(item, "ticks", _style_ticks)
    if bottom is not None:
        axis_label(item, "bottom", bottom)
    if left is not None:
        axis_label(item, "left", left)
    if grid:
        item.showGrid(x=True, y=True, alpha=0.2)
    item.hideButtons()


def _style_ticks(item: Any) -> None:
    """Tick labels at the current size, fewer ticks when they are larger, and room above the
    plot for the top label's upper half."""
    from PySide6.QtGui import QFontMetrics

    font = plot_font(TICK_FONT_PT)
    height = QFontMetrics(font).height()
    for name in ("left", "bottom", "right", "top"):
        axis = item.getAxis(name)
        axis.setTickFont(font)
        axis.setTickDensity(1.0 / plot_scale())
        if name in ("bottom", "top"):   # a whole line, descenders included (pyqtgraph
            axis.setStyle(autoExpandTextSpace=False, tickTextHeight=height)   # counts 80 %)
    extra = height // 4 if plot_scale() > 1 else 0
    item.layout.setContentsMargins(1, 1 + extra, 1, 1 + extra // 2)


def axis_label(plot: Any, side: str, text: str, base_pt: float = LABEL_FONT_PT) -> None:
    """The title of one axis (``"left"``, ``"bottom"``...), ``base_pt`` points at scale 1."""
    keep_style(_plot_item(plot), f"label-{side}",
               lambda item: item.setLabel(side, text, siPrefixEnableRanges=(),
                                          **{"font-size": css_size(base_pt)}))


def set_title(plot: Any, text: str, base_pt: float = LABEL_FONT_PT) -> None:
    """The title above a plot; its row grows with the text."""
    def style(item: Any) -> None:
        item.setTitle(text, size=css_size(base_pt))
        height = max(30, round(2.4 * scaled_pt(base_pt)))
        item.titleLabel.setMaximumHeight(height)
        item.layout.setRowFixedHeight(0, height)

    keep_style(_plot_item(plot), "title", style)


def add_legend(plot: Any, offset: tuple[int, int] = (-10, 10)) -> Any:
    """A legend with a translucent white background, so curves behind it stay visible."""
    import pyqtgraph as pg

    legend = _plot_item(plot).addLegend(offset=offset, brush=pg.mkBrush(255, 255, 255, 200),
                                        pen=pg.mkPen(200, 200, 200),
                                        labelTextSize=css_size(TICK_FONT_PT))
    keep_style(legend, "labels", _style_legend)
    return legend


def _style_legend(legend: Any) -> None:
    size = css_size(TICK_FONT_PT)
    legend.opts["labelTextSize"] = size
    for _sample, label in legend.items:
        label.setText(label.text, size=size)
    legend.layout.activate()
    legend.updateSize()


def fit_axis_to_labels(axis: Any, labels: list[str], with_title: bool = False) -> None:
    """Make a left axis wide enough for its longest tick label (and its title)."""
    from PySide6.QtGui import QFontMetrics

    def style(target: Any) -> None:
        metrics = QFontMetrics(plot_font(TICK_FONT_PT))
        widest = max((metrics.horizontalAdvance(t) for t in labels), default=0)
        title = round(24 * plot_scale()) if with_title else 0
        target.setWidth(widest + 14 + title)

    keep_style(axis, "width", style)
