"""Colours shared by every panel, chosen to read well on a projector (high contrast)."""

from __future__ import annotations

COLORS = {
    "batch": (150, 170, 200, 90),
    "train": "#1f77b4",
    "val": "#e4572e",
    "accent": "#2a9d8f",
}

#: One colour per class (TensorFlow Playground's orange and blue first).
CLASS_COLORS = [
    (245, 147, 34), (8, 119, 189), (46, 160, 67), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
]


def configure_plots() -> None:
    """Light plots with antialiasing: readable on a projector and in print."""
    import pyqtgraph as pg

    pg.setConfigOptions(background="w", foreground="k", antialias=True)
