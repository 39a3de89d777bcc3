"""Clicks on a 2-D scatter plot that edit its points or probe the network (ConvNetJS's demo).

A :class:`PointEditor` watches the scene of one pyqtgraph ``PlotItem`` (an event filter, so it
sees a click before pyqtgraph's own menus do) and only says what was asked, in the plot's
coordinates:

- a left click (the mouse not dragged, so panning still works): ``add_requested(x, y)``;
- Ctrl + left click: ``probe_requested(x, y)``;
- a right click within :data:`PICK_PIXELS` of a point of :attr:`PointEditor.positions`:
  ``remove_requested(index)`` (the index into ``positions``), and the plot's right-click menu
  stays closed; a right click anywhere else opens the menu as before.

What a request does (an undo command, a probe of the network) is the owner's business.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtWidgets import QGraphicsSceneMouseEvent

#: How near (in screen pixels) a right click must be to a point to remove it.
PICK_PIXELS = 8.0
#: How far the mouse may move between press and release for a click (not a drag).
CLICK_PIXELS = 4.0


class PointEditor(QObject):
    add_requested = Signal(float, float)
    probe_requested = Signal(float, float)
    remove_requested = Signal(int)

    def __init__(self, plot: pg.PlotItem) -> None:
        super().__init__(plot)
        self.plot = plot
        #: (N, 2) where each removable point is drawn, in plot coordinates (None: none).
        self.positions: np.ndarray | None = None
        self._pressed: QPointF | None = None
        self._swallow_menu = False
        scene = plot.scene()
        if scene is None:
            raise ValueError("the plot must be in a view (a PlotWidget) before points can be "
                             "edited on it")
        scene.installEventFilter(self)

    def nearest(self, x: float, y: float) -> int | None:
        """The index of the point drawn within :data:`PICK_PIXELS` of (x, y), or None."""
        points = self.positions
        if points is None or len(points) == 0:
            return None
        width, height = self.plot.getViewBox().viewPixelSize()
        pixels = np.hypot((points[:, 0] - x) / max(width, 1e-300),
                          (points[:, 1] - y) / max(height, 1e-300))
        index = int(np.argmin(pixels))
        return index if pixels[index] <= PICK_PIXELS else None

    def _in_plot(self, scene_pos: QPointF) -> QPointF | None:
        box = self.plot.getViewBox()
        if not box.sceneBoundingRect().contains(scene_pos):
            return None
        return box.mapSceneToView(scene_pos)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.GraphicsSceneContextMenu and self._swallow_menu:
            self._swallow_menu = False
            event.accept()          # the view passes an unaccepted menu on to the panel's
            return True
        if not isinstance(event, QGraphicsSceneMouseEvent):
            return False
        button = event.button()
        if kind == QEvent.Type.GraphicsSceneMousePress:
            self._pressed = None
            self._swallow_menu = False
            where = self._in_plot(event.scenePos())
            if where is None:
                return False
            if button == Qt.MouseButton.LeftButton:
                self._pressed = event.screenPos().toPointF()
            elif button == Qt.MouseButton.RightButton:
                index = self.nearest(where.x(), where.y())
                if index is not None:
                    self._swallow_menu = True
                    self.remove_requested.emit(index)
                    return True
        elif kind == QEvent.Type.GraphicsSceneMouseRelease:
            if button == Qt.MouseButton.RightButton and self._swallow_menu:
                return True
            if button == Qt.MouseButton.LeftButton and self._pressed is not None:
                moved = event.screenPos().toPointF() - self._pressed
                self._pressed = None
                where = self._in_plot(event.scenePos())
                if where is not None and max(abs(moved.x()), abs(moved.y())) <= CLICK_PIXELS:
                    ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
                    signal = self.probe_requested if ctrl else self.add_requested
                    signal.emit(float(where.x()), float(where.y()))
        return False
