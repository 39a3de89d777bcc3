"""The scene draws the spec (boxes and arrows) and turns mouse gestures into undo commands."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from simulator.spec import INPUT
from tests.ui.canvas.conftest import spec_of, view_point


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


def test_dragging_a_box_moves_it_in_one_undo_step(canvas, qtbot) -> None:
    spec, stack = spec_of(canvas), canvas.scene.stack
    item = canvas.scene.layer_items["hidden_2"]
    start = spec.layer("hidden_2").position
    grab = view_point(canvas, item.scenePos() + QPointF(-60, 0))
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
    spec = spec_of(canvas)
    source = canvas.scene.input_item
    target = canvas.scene.layer_items["output"]
    viewport = canvas.view.viewport()
    port = view_point(canvas, source.output_port())
    drop = view_point(canvas, target.scenePos())
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


def test_a_cycle_is_reported_not_raised(canvas) -> None:
    spec = spec_of(canvas)
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
    spec = spec_of(canvas)
    spec.update_layer("softmax", position=(900.0, -400.0))
    canvas.scene.arrange()
    assert spec.layer("softmax").position[1] > spec.layer("output").position[1]
    canvas.scene.stack.undo()
    assert spec.layer("softmax").position == (900.0, -400.0)
