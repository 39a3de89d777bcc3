"""A canvas showing the spiral lesson, and where its boxes are on screen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtGui import QUndoStack

from simulator.spec import NetworkSpec
from ui.canvas.view import DesignCanvas
from ui.design.positions import fill_missing_positions
from ui.shell.presets import load_preset


@pytest.fixture
def canvas(qtbot) -> Iterator[DesignCanvas]:
    stack = QUndoStack()
    widget = DesignCanvas(stack)
    qtbot.addWidget(widget)
    widget.resize(700, 900)
    widget.show()
    spec = load_preset("spiral").spec()
    fill_missing_positions(spec)
    widget.set_spec(spec)
    qtbot.waitExposed(widget)
    yield widget
    stack.clear()   # delete the commands now, not at some later garbage collection


def spec_of(canvas: DesignCanvas) -> NetworkSpec:
    assert canvas.scene.spec is not None
    return canvas.scene.spec


def view_point(canvas: DesignCanvas, scene_point: QPointF) -> QPoint:
    return canvas.view.mapFromScene(scene_point)
