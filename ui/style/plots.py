"""Small building blocks the panels share: a styled live plot and a notice line."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from ui.style.scaled import fixed_axis_width, scaled_label_css
from ui.style.theme import COLORS, style_plot


class LogAxis(pg.AxisItem):
    """A log axis that labels only 1, 2 and 5 times a power of ten (no crowded minor ticks)."""

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        strings = super().logTickStrings(values, scale, spacing)
        mantissas = np.round(10 ** np.mod(np.asarray(values, dtype=float), 1.0), 3)
        return [s if round(m) in (1, 2, 5) or m >= 9.99 else ""
                for s, m in zip(strings, mantissas, strict=True)]


def live_plot(bottom: str, left: str, log_y: bool = False) -> pg.PlotWidget:
    """A plot for curves that grow during training: clipped to the view, peak-downsampled."""
    if log_y:
        plot = pg.PlotWidget(axisItems={"left": LogAxis("left")})
        plot.setLogMode(y=True)
        fixed_axis_width(plot.getAxis("left"), 72)
    else:
        plot = pg.PlotWidget()
    style_plot(plot, bottom=bottom, left=left)
    item = plot.getPlotItem()
    item.setClipToView(True)
    item.setDownsampling(auto=True, mode="peak")
    plot.setMinimumHeight(160)
    return plot


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
