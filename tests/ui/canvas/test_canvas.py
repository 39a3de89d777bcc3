"""The canvas draws the spec and turns palette drops and mouse gestures into undo commands."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent, QUndoStack
from PySide6.QtWidgets import QTreeWidgetItem

from simulator.layers import LAYERS, layer_names
from simulator.spec import INPUT, NetworkSpec
from ui.canvas.items import EdgeItem
from ui.canvas.view import DesignCanvas
from ui.design.commands import SetInputShape
from ui.design.drag import layer_mime
from ui.design.positions import fill_missing_positions
from ui.editors.palette import Palette, grouped_layers
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


def _spec(canvas: DesignCanvas) -> NetworkSpec:
    assert canvas.scene.spec is not None
    return canvas.scene.spec


def _view_point(canvas: DesignCanvas, scene_point: QPointF) -> QPoint:
    return canvas.view.mapFromScene(scene_point)


def test_boxes_show_type_name_shape_and_parameter_count(canvas) -> None:
    item = canvas.scene.layer_items["hidden_1"]
    assert item.title == "Dense  hidden_1"
    assert "16 units" in item.subtitle
    assert "relu" in item.subtitle
    assert item.detail == "→ 16 · 48 params"
    assert canvas.scene.input_item.subtitle == "2 features"
    assert {(e.source, e.target) for e in canvas.scene.edges} == {
        (INPUT, "hidden_1"), ("hidden_1", "hidden_2"), ("hidden_2", "output"),
        ("output", "softmax")}
    assert not canvas.banner.isVisibleTo(canvas)


def test_palette_lists_every_registered_layer_by_category(qtbot) -> None:
    palette = Palette()
    qtbot.addWidget(palette)
    assert sorted(palette.type_names()) == sorted(layer_names())
    for category, names in grouped_layers().items():
        assert all(LAYERS.get(n).category == category for n in names)
    chosen: list[str] = []
    palette.layer_chosen.connect(chosen.append)
    dense: QTreeWidgetItem = palette.findItems("Dense", Qt.MatchFlag.MatchRecursive)[0]
    palette.itemDoubleClicked.emit(dense, 0)
    assert chosen == ["Dense"]
    assert bytes(palette.mimeData([dense]).data("application/x-backprop-layer")) == b"Dense"


def test_dropping_a_palette_type_adds_a_layer_where_it_was_dropped(canvas) -> None:
    spec = _spec(canvas)
    where = QPointF(300.0, 700.0)
    at = _view_point(canvas, where)
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
    spec = _spec(canvas)
    target = canvas.scene.layer_items["hidden_1"]
    at = _view_point(canvas, target.scenePos())
    mime = layer_mime("BatchNorm")
    event = QDropEvent(QPointF(at), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    canvas.view.dropEvent(event)
    assert spec.names()[:3] == ["hidden_1", "batchnorm_1", "hidden_2"]
    spec.infer_shapes()


def test_dragging_a_box_moves_it_in_one_undo_step(canvas, qtbot) -> None:
    spec, stack = _spec(canvas), canvas.scene.stack
    item = canvas.scene.layer_items["hidden_2"]
    start = spec.layer("hidden_2").position
    grab = _view_point(canvas, item.scenePos() + QPointF(-60, 0))
    viewport = canvas.view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=grab)
    for k in range(1, 6):
        qtbot.mouseMove(viewport, grab + QPoint(10 * k, 4 * k))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=grab + QPoint(50, 20))
    scale = canvas.view.transform().m11()
    moved = spec.layer("hidden_2").position
    assert moved[0] == pytest.approx(start[0] + 50 / scale, abs=1.5)
    assert moved[1] == pytest.approx(start[1] + 20 / scale, abs=1.5)
    assert stack.count() == 1
    assert item.pos().x() == pytest.approx(moved[0])   # the box follows the spec
    stack.undo()
    assert spec.layer("hidden_2").position == start
    assert item.pos().x() == pytest.approx(start[0])


def test_dragging_from_an_output_port_connects_two_layers(canvas, qtbot) -> None:
    spec = _spec(canvas)
    source = canvas.scene.input_item
    target = canvas.scene.layer_items["output"]
    viewport = canvas.view.viewport()
    port = _view_point(canvas, source.output_port())
    drop = _view_point(canvas, target.scenePos())
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=port)
    qtbot.mouseMove(viewport, (port + drop) / 2)
    qtbot.mouseMove(viewport, drop)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=drop)
    assert spec.layer("output").inputs == [INPUT]
    assert (INPUT, "output") in {(e.source, e.target) for e in canvas.scene.edges}
    # hidden_2 now feeds nothing: the banner says so and its box is marked.
    assert canvas.banner.isVisibleTo(canvas)
    assert canvas.scene.error_layer == "hidden_2"
    assert canvas.scene.layer_items["hidden_2"].error


def test_selecting_an_arrow_and_pressing_delete_removes_the_connection(canvas, qtbot) -> None:
    spec = _spec(canvas)
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
    spec = _spec(canvas)
    canvas.scene.select("hidden_2")
    canvas.view.setFocus()
    qtbot.keyClick(canvas.view, Qt.Key.Key_Delete)
    assert spec.names() == ["hidden_1", "output", "softmax"]
    assert "hidden_2" not in canvas.scene.layer_items


def test_an_invalid_design_shows_the_error_and_marks_the_layer(canvas) -> None:
    spec = _spec(canvas)
    canvas.scene.stack.push(SetInputShape(spec, (1, 8, 8)))
    assert canvas.banner.isVisibleTo(canvas)
    assert "hidden_1" in canvas.banner.text()
    assert "Flatten" in canvas.banner.text()
    assert canvas.scene.layer_items["hidden_1"].error
    assert canvas.scene.layer_items["hidden_1"].detail == "→ ?"
    canvas.scene.stack.undo()
    assert not canvas.banner.isVisibleTo(canvas)
    assert not canvas.scene.layer_items["hidden_1"].error


def test_a_cycle_is_reported_not_raised(canvas) -> None:
    spec = _spec(canvas)
    canvas.scene.connect_layers("output", "hidden_1")
    assert "cycle" in canvas.banner.text()
    assert spec.layer("hidden_1").inputs == ["output"]


def test_selection_names_the_layer(canvas) -> None:
    seen: list[object] = []
    canvas.scene.selection_named.connect(seen.append)
    canvas.scene.select("output")
    canvas.scene.select(INPUT)
    canvas.scene.select(None)
    assert seen == ["output", None, INPUT, None]   # clearing the old selection comes first


def test_arrange_lays_out_again_in_one_step(canvas) -> None:
    spec = _spec(canvas)
    spec.update_layer("softmax", position=(900.0, -400.0))
    canvas.scene.arrange()
    assert spec.layer("softmax").position[1] > spec.layer("output").position[1]
    canvas.scene.stack.undo()
    assert spec.layer("softmax").position == (900.0, -400.0)
