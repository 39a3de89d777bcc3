"""Colours, fonts and colour maps shared by every panel, chosen to read well on a projector.

Plot text and lines follow one size setting, :func:`plot_scale`: 1 normally, larger in View ▸
Presentation mode. The helpers here and in :mod:`ui.style.scaled` draw at the current scale and
remember, on the item they style, how they did it (functions of the item alone, under
``_theme_stylers``); :func:`restyle` replays them after a change of scale, so a window's
existing plots are redrawn in place, with their curves, data and zoom untouched.

The same goes for the light or dark theme (:func:`set_theme`; View ▸ Theme chooses it, see
:mod:`ui.shell.theme_choice`). Every colour of the app's own chrome (text, boxes, highlights,
backgrounds) is written once, for the light theme; :func:`themed_color` gives the colour the
current theme draws it in: itself when light, its dark counterpart (:data:`DARK_COLORS`, else
the same hue with its lightness mirrored) when dark. :func:`themed_css` does the same to a
style sheet. The data's colours (classes, series, colour maps) are the same in both themes:
they are chosen to stand out on a white and on a dark background alike.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from functools import lru_cache
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
_state: dict[str, Any] = {"scale": 1.0, "theme": "light"}

LIGHT, DARK = "light", "dark"
THEMES = (LIGHT, DARK)
#: Each theme's plot background and foreground (axes, ticks, grid, titles, legends).
PLOT_COLORS = {LIGHT: ("#ffffff", "#000000"), DARK: ("#1c1d20", "#d4d4d4")}
#: The dark counterparts of light-theme chrome colours whose mirrored lightness would not do
#: (pastel boxes and highlights that must stay a colour, not turn nearly black).
DARK_COLORS = {
    "#ffffff": "#26272b",     # a white fill (ports, the units' tiles before their maps)
    "#f4f4f4": "#2f3034",
    "#ececec": "#3a3b40",     # a layer box of no category
    "#e8e8e8": "#3d3e44",     # the input box
    "#d6e6f7": "#25405e",     # layer boxes by category (ui.design.text.CATEGORY_COLORS)
    "#dcf0dc": "#284a2c",
    "#fbe3c8": "#5a3d1f",
    "#e7dcf3": "#43355e",
    "#f3e6b8": "#514620",
    "#cdeeee": "#1f4a4a",
    "#ffe8a3": "#6b5410",     # the step-through's highlighted row
    "#ffe7a8": "#6b5410",     # the best trial of a search
    "#fde2e1": "#5a1f1f",     # an error note's background
    "#fff0f0": "#4a1c1c",     # an invalid field's background
    "#7a1010": "#ffb4ae",     # an error note's text
}
#: The Qt palette of the dark theme (roles of QPalette.ColorRole; disabled text below).
DARK_PALETTE = {
    "Window": "#2b2c30", "WindowText": "#e4e4e4", "Base": "#1f2023", "AlternateBase": "#27282c",
    "ToolTipBase": "#3a3b40", "ToolTipText": "#eeeeee", "PlaceholderText": "#8c8c8c",
    "Text": "#e4e4e4", "Button": "#35363b", "ButtonText": "#e4e4e4", "BrightText": "#ff6b6b",
    "Light": "#4a4b50", "Midlight": "#3e3f44", "Mid": "#2f3034", "Dark": "#1a1b1e",
    "Shadow": "#0d0d0f", "Highlight": "#3d6fc4", "HighlightedText": "#ffffff",
    "Link": "#78b4ff", "LinkVisited": "#c59cff",
}
DARK_DISABLED_TEXT = "#7d7d7d"
_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


#: Above this many classes a plot writes no text per class (names, counts, values): thousands
#: of text items take minutes to lay out and cannot be read anyway.
MAX_LABELLED_CLASSES = 40


def class_color(index: SupportsIndex) -> tuple[int, int, int]:
    """The colour of class ``index`` (a Python or NumPy integer)."""
    return CLASS_COLORS[operator.index(index) % len(CLASS_COLORS)]


def series_color(index: int) -> str:
    return SERIES_COLORS[int(index) % len(SERIES_COLORS)]


def configure_plots() -> None:
    """Plots in the current theme's colours (light: white, for print), with antialiasing."""
    import pyqtgraph as pg

    background, foreground = PLOT_COLORS[theme_name()]
    pg.setConfigOptions(background=background, foreground=foreground, antialias=True)


# ----- the theme ------------------------------------------------------------------------
def theme_name() -> str:
    """The theme drawn now: :data:`LIGHT` or :data:`DARK`."""
    return str(_state["theme"])


def is_dark() -> bool:
    return theme_name() == DARK


def set_theme(name: str) -> None:
    """Draw in theme ``name`` from now on (new plots at once; :func:`restyle` redraws the
    existing ones, and the shell sets the widgets' palette)."""
    if name not in THEMES:
        raise ValueError(f"the theme must be one of {', '.join(THEMES)}, got {name!r}")
    _state["theme"] = name
    configure_plots()


def plot_background() -> str:
    return PLOT_COLORS[theme_name()][0]


def plot_foreground() -> str:
    return PLOT_COLORS[theme_name()][1]


def themed_color(color: Any) -> Any:
    """A QColor for ``color`` (anything QColor takes), written for the light theme, as the
    current theme draws it (its alpha kept)."""
    from PySide6.QtGui import QColor

    base = QColor(color)
    if not is_dark():
        return base
    dark = QColor(_dark_rgb(base.name()))
    dark.setAlpha(base.alpha())
    return dark


@lru_cache(maxsize=512)
def _dark_rgb(name: str) -> str:
    """The dark theme's ``#rrggbb`` for a light theme's: from :data:`DARK_COLORS`, else the
    same hue and saturation with the lightness mirrored (dark text turns light)."""
    from PySide6.QtGui import QColor

    if name.lower() in DARK_COLORS:
        return DARK_COLORS[name.lower()]
    color = QColor(name)
    hue = max(color.hslHueF(), 0.0)     # -1 for a grey
    return QColor.fromHslF(hue, color.hslSaturationF(), 1.0 - color.lightnessF()).name()


def themed_css(css: str) -> str:
    """A style sheet written for the light theme with every ``#rrggbb`` in the current
    theme's colour."""
    if not is_dark():
        return css
    return _HEX.sub(lambda m: themed_color(m.group(0)).name(), css)


def qt_palette(name: str) -> Any:
    """The widgets' palette of theme ``name`` (light: the style's own)."""
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    if name == LIGHT:
        return QApplication.style().standardPalette()
    palette = QPalette()
    for role, color in DARK_PALETTE.items():
        palette.setColor(getattr(QPalette.ColorRole, role), QColor(color))
    for role in ("WindowText", "Text", "ButtonText"):
        palette.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, role),
                         QColor(DARK_DISABLED_TEXT))
    return palette


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
    """Redraw every styled plot item, then every styled widget, under widget ``root``; every
    plot takes the theme's background, every graphics view repaints."""
    from pyqtgraph import AxisItem, GraphicsView
    from PySide6.QtWidgets import QGraphicsView, QWidget

    widgets = [root, *root.findChildren(QWidget)]
    for view in widgets:
        if isinstance(view, QGraphicsView) and view.scene() is not None:
            for item in view.scene().items():
                _replay(item)
                if isinstance(item, AxisItem):
                    item.picture = None     # drawn again, in the foreground of now
            if isinstance(view, GraphicsView):
                view.setBackground("default")
            view.viewport().update()
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
    keep_style(item, "ink", _style_ink)
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


def _style_ink(item: Any) -> None:
    """Axes, ticks, tick labels and grid in the theme's foreground."""
    for name in ("left", "bottom", "right", "top"):
        axis = item.getAxis(name)
        axis.setPen(plot_foreground())
        axis.setTextPen(plot_foreground())


def axis_label(plot: Any, side: str, text: str, base_pt: float = LABEL_FONT_PT) -> None:
    """The title of one axis (``"left"``, ``"bottom"``...), ``base_pt`` points at scale 1."""
    keep_style(_plot_item(plot), f"label-{side}",
               lambda item: item.setLabel(side, text, siPrefixEnableRanges=(),
                                          **{"font-size": css_size(base_pt),
                                             "color": plot_foreground()}))


def set_title(plot: Any, text: str, base_pt: float = LABEL_FONT_PT) -> None:
    """The title above a plot; its row grows with the text."""
    def style(item: Any) -> None:
        item.setTitle(text, size=css_size(base_pt))
        height = max(30, round(2.4 * scaled_pt(base_pt)))
        item.titleLabel.setMaximumHeight(height)
        item.layout.setRowFixedHeight(0, height)

    keep_style(_plot_item(plot), "title", style)


def add_legend(plot: Any, offset: tuple[int, int] = (-10, 10), legend: Any = None) -> Any:
    """A legend with a translucent background of the plot's colour, so curves behind it stay
    visible. ``legend``: a ``LegendItem`` made by the caller (a kind of its own) that becomes
    the plot's legend, instead of a plain one at ``offset``; curves made with ``name=`` join
    it either way."""
    item = _plot_item(plot)
    if legend is None:
        legend = item.addLegend(offset=offset, labelTextSize=css_size(TICK_FONT_PT))
    else:
        item.legend = legend
    keep_style(legend, "labels", _style_legend)
    return legend


def _style_legend(legend: Any) -> None:
    import pyqtgraph as pg

    back = themed_color("#ffffff")
    back.setAlpha(200)
    legend.setBrush(pg.mkBrush(back))
    legend.setPen(pg.mkPen(themed_color("#c8c8c8")))
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
