"""The canvas widget: layer types dropped from the palette, the Delete key, and the banner
that says why a design cannot be built."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDropEvent

from tests.ui.canvas.conftest import spec_of, view_point
from ui.canvas.items import EdgeItem
from ui.design.commands import SetInputShape
from ui.design.drag import layer_mime


def test_dropping_a_palette_type_adds_a_layer_where_it_was_dropped(canvas) -> None:
    spec = spec_of(canvas)
    where = QPointF(300.0, 700.0)
    at = view_point(canvas, where)
    mime = layer_mime("Dropout")   # the event does not own it: keep it alive
    event = QDropEvent(QPointF(at), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    canvas.view.dropEvent(event)
    assert spec.layers[-1].type == "Dropout"
    x, y = spec.layers[-1].position
    assert abs(x - where.x()) < 2
    assert abs(y - where.y()) < 2
    assert canvas.scene.stack.count() == 1
    assert "dropout_1" in canvas.scene.layer_items


def test_dropping_onto_a_box_inserts_after_it(canvas) -> None:
    spec = spec_of(canvas)
    target = canvas.scene.layer_items["hidden_1"]
    at = view_point(canvas, target.scenePos())
    mime = layer_mime("BatchNorm")
    event = QDropEvent(QPointF(at), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    canvas.view.dropEvent(event)
    assert spec.names()[:3] == ["hidden_1", "batchnorm_1", "hidden_2"]
    spec.infer_shapes()


def test_selecting_an_arrow_and_pressing_delete_removes_the_connection(canvas, qtbot) -> None:
    spec = spec_of(canvas)
    edge = next(e for e in canvas.scene.edges if e.target == "softmax")
    edge.setSelected(True)
    canvas.view.setFocus()
    qtbot.keyClick(canvas.view, Qt.Key.Key_Delete)
    assert spec.layer("softmax").inputs == []
    assert not any(isinstance(e, EdgeItem) and e.target == "softmax"
                   for e in canvas.scene.edges)
    assert "softmax" in canvas.banner.text()
    canvas.scene.stack.undo()
    assert spec.layer("softmax").inputs is None
    assert not canvas.banner.isVisibleTo(canvas)


def test_deleting_a_selected_layer_removes_it(canvas, qtbot) -> None:
    spec = spec_of(canvas)
    canvas.scene.select("hidden_2")
    canvas.view.setFocus()
    qtbot.keyClick(canvas.view, Qt.Key.Key_Delete)
    assert spec.names() == ["hidden_1", "output", "softmax"]
    assert "hidden_2" not in canvas.scene.layer_items


def test_an_invalid_design_shows_the_error_and_marks_the_layer(canvas) -> None:
    spec = spec_of(canvas)
    canvas.scene.stack.push(SetInputShape(spec, (1, 8, 8)))
    assert canvas.banner.isVisibleTo(canvas)
    assert "hidden_1" in canvas.banner.text()
    assert "Flatten" in canvas.banner.text()
    assert canvas.scene.layer_items["hidden_1"].error
    assert canvas.scene.layer_items["hidden_1"].detail == "→ ?"
    canvas.scene.stack.undo()
    assert not canvas.banner.isVisibleTo(canvas)
    assert not canvas.scene.layer_items["hidden_1"].error
