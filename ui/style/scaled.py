"""Plot items and labels that follow the plot scale and the theme of :mod:`ui.style.theme`: made
at scale 1 in light-theme colours, drawn at the current scale in the current theme's colours, and
redrawn by :func:`ui.style.theme.restyle` (which also re-applies the style sheets of
:func:`styled` widgets, so their text follows the app font and the theme)."""

from __future__ import annotations

from typing import Any

from ui.style.theme import (
    LABEL_FONT_PT,
    LINE_SHARE,
    TICK_FONT_PT,
    css_size,
    keep_style,
    plot_font,
    plot_scale,
    themed_color,
    themed_css,
)


def scaled_label(label: Any, base_pt: float = LABEL_FONT_PT) -> Any:
    """A pyqtgraph ``LabelItem`` (a layout's caption) drawn ``base_pt`` points at scale 1."""
    keep_style(label, "size", lambda item: item.setText(item.text, size=css_size(base_pt)))
    return label


def scaled_text(text: Any, base_pt: float = TICK_FONT_PT, bold: bool = False) -> Any:
    """A pyqtgraph ``TextItem`` in a plot, ``base_pt`` points at scale 1 (its colour is the
    caller's: text on a heat map picks it by the cell's shade)."""
    keep_style(text, "font", lambda item: item.setFont(plot_font(base_pt, bold)))
    return text


def themed_text(text: Any, base_pt: float = TICK_FONT_PT, bold: bool = False) -> Any:
    """A :func:`scaled_text` on the plot's own background: its colour, as made (for the light
    theme), drawn in the current theme's."""
    from PySide6.QtGui import QColor

    color = QColor(text.color)
    scaled_text(text, base_pt, bold)
    keep_style(text, "ink", lambda item: item.setColor(themed_color(color)))
    return text


def scaled_lines(item: Any) -> Any:
    """A curve (``PlotDataItem``), scatter or straight line whose pens and markers, as made
    (at scale 1), grow a little with the scale."""
    from PySide6.QtGui import QPen

    opts = getattr(item, "opts", {})
    setters = {"pen": "setPen", "symbolPen": "setSymbolPen"}
    pens = {key: QPen(opts[key]) for key in setters if isinstance(opts.get(key), QPen)}
    if not pens and isinstance(getattr(item, "pen", None), QPen):    # an InfiniteLine
        pens["pen"] = QPen(item.pen)
    sizes = {key: float(opts[key]) for key in ("symbolSize", "size")
             if isinstance(opts.get(key), int | float)}

    def style(target: Any) -> None:
        grow = 1.0 + LINE_SHARE * (plot_scale() - 1.0)
        for key, base in pens.items():
            pen = QPen(base)
            pen.setWidthF(base.widthF() * grow)
            getattr(target, setters[key])(pen)
        for key, size in sizes.items():
            getattr(target, "setSymbolSize" if key == "symbolSize" else "setSize")(size * grow)

    keep_style(item, "lines", style)
    return item


def scaled_label_css(widget: Any, base_pt: float, css: str = "") -> Any:
    """A QLabel's style sheet: ``base_pt`` points at scale 1, plus ``css``."""
    keep_style(widget, "css", lambda w: w.setStyleSheet(
        f"font-size: {css_size(base_pt)}; {themed_css(css)}"))
    return widget


def styled(widget: Any, css: str) -> Any:
    """A widget's style sheet (colours, borders, for the light theme), applied again on every
    restyle in the current theme's colours: Qt keeps the font a styled widget was polished
    with, so without this its text would not grow with presentation mode's larger font."""
    keep_style(widget, "css", lambda w: w.setStyleSheet(themed_css(css)))
    return widget


def fixed_axis_width(axis: Any, base_width: int) -> None:
    """A fixed axis width (pixels at scale 1) that grows with the tick labels."""
    keep_style(axis, "width", lambda target: target.setWidth(round(base_width * plot_scale())))
