"""View ▸ Presentation mode: larger text everywhere, for a projector.

The application font grows: menus, toolbar, tab labels, the settings and the lesson's title and
explanation in the inspector (a widget with a style sheet keeps the font it was first drawn
with, so every style sheet is applied again). The plots and the captions that follow the plot
scale are redrawn in place, in the main window and the experiments window, and the canvas zooms
instead of re-flowing. Turning it off undoes exactly what turning it on did.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QWidget

from ui.canvas.view import DesignView
from ui.style.theme import PRESENTATION_SCALE, restyle, set_plot_scale

#: Points added to the application font.
PRESENTATION_POINTS = 4
#: How much the canvas and the left docks grow.
CANVAS_ZOOM = 1.3
MIN_POINTS = 6


class Presentation:
    """Switches ``window`` (its plots, its canvas ``view`` and its left ``dock``) between
    normal and presentation size."""

    def __init__(self, window: QMainWindow, view: DesignView, dock: QDockWidget,
                 dock_width: int) -> None:
        self.window, self.view, self.dock, self.dock_width = window, view, dock, dock_width
        self.active = False

    def set_active(self, on: bool) -> None:
        if on == self.active:
            return
        self.active = on
        font = QApplication.font()
        delta = PRESENTATION_POINTS if on else -PRESENTATION_POINTS
        font.setPointSize(max(MIN_POINTS, font.pointSize() + delta))
        QApplication.setFont(font)
        set_plot_scale(PRESENTATION_SCALE if on else 1.0)
        restyle(self.window)
        refresh_style_sheets(self.window)
        self.view.zoom(CANVAS_ZOOM if on else 1 / CANVAS_ZOOM)
        width = round(self.dock_width * (CANVAS_ZOOM if on else 1.0))
        self.window.resizeDocks([self.dock], [width], Qt.Orientation.Horizontal)
        # Lay the window out for the new sizes now, not at the next turn of the event loop:
        # a picture taken right after the switch shows it settled.
        QApplication.sendPostedEvents()        # the font and style changes posted
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)   # the layouts they ask


def refresh_style_sheets(root: QWidget) -> None:
    """Apply every style sheet under ``root`` again, so its text takes the application font
    of now (a size the sheet sets itself stays)."""
    for widget in [root, *root.findChildren(QWidget)]:
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet(sheet)
