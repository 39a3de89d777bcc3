"""The units-and-connections view: live weights and heat maps, one undo step per weight edit."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QInputDialog

from simulator.network import compile_network
from simulator.training.probes import grid_points
from simulator.training.trainer import Snapshot
from ui.canvas.units_view import (
    NEGATIVE,
    POSITIVE,
    UnitsView,
    class_colors,
    normalized,
    signed_colors,
)
from ui.design.commands import SetWeights


@pytest.fixture
def xor_window(main_window):
    assert main_window.open_path("xor")
    main_window.units_action.setChecked(True)
    yield main_window
    main_window.stack.clear()


def _rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    stride = image.bytesPerLine()
    raw = np.frombuffer(image.constBits(), np.uint8, count=stride * image.height())
    return raw.reshape(image.height(), stride)[:, :image.width() * 3].reshape(
        image.height(), image.width(), 3).copy()


def test_the_view_replaces_the_boxes_and_draws_the_xor_network(xor_window) -> None:
    window = xor_window
    view = window.units_view
    assert view.isVisibleTo(window.canvas)
    assert not window.canvas.view.isVisibleTo(window.canvas)
    assert [(c.name, c.units) for c in view.columns] == [("input", 2), ("hidden", 4),
                                                          ("output", 2)]
    assert len(view.connections["hidden"]) == 8
    assert len(view.connections["output"]) == 8
    # the weights on screen are the session network's, in the course's layout
    stored = window.session.network.get_weights()
    line = view.connection("hidden", 3, 1)
    assert line.weight == pytest.approx(float(stored["hidden.W"][3, 1]))
    assert "hidden: w[unit 4 ← x2] =" in line.toolTip()
    for layer in ("hidden", "output"):
        for u, unit in enumerate(view.units[layer]):
            bias = float(stored[f"{layer}.b"][u])
            assert unit.toolTip() == f"{layer} unit {u + 1}; bias b = {bias:.4g}"
    window.units_action.setChecked(False)
    assert window.canvas.view.isVisibleTo(window.canvas)


def test_heat_maps_are_the_hidden_outputs_on_the_grid(xor_window) -> None:
    window = xor_window
    view, session = window.units_view, window.session
    net = session.network
    data = session.trainer.probes["units"](net)
    grids = data["grids"]
    xs, ys = grids["xs"], grids["ys"]
    points = grid_points((xs[0], xs[-1], ys[0], ys[-1]), xs.size)[2]
    hidden = np.asarray(net.forward_all(net.backend.asarray(points))[1])
    np.testing.assert_array_equal(grids["columns"]["hidden"].reshape(4, -1), hidden.T)
    view.show_units(data)
    for unit in range(4):
        expected = signed_colors(normalized(grids["columns"]["hidden"], "tanh")[unit])[::-1]
        pixmap = view.units["hidden"][unit].image.pixmap()
        np.testing.assert_array_equal(_rgb(pixmap.toImage()), expected)


def test_colours_follow_the_sign_and_the_class() -> None:
    np.testing.assert_array_equal(signed_colors(np.array([1.0, 0.0, -1.0])),
                                  [POSITIVE, [255, 255, 255], NEGATIVE])
    np.testing.assert_array_equal(normalized(np.array([0.5, 1.0]), "sigmoid"), [0.0, 1.0])
    np.testing.assert_array_equal(normalized(np.array([-2.0, 1.0]), "relu"), [-1.0, 0.5])
    np.testing.assert_array_equal(class_colors(np.array([0.0, 1.0]), (10, 20, 30)),
                                  [[255, 255, 255], [10, 20, 30]])


def test_snapshots_redraw_the_connections_live(xor_window, qtbot) -> None:
    window = xor_window
    view = window.units_view
    before = view.connection("output", 0, 2).weight
    window.controller.set_speed(100)      # a run long enough for paced snapshots to come
    seen = []
    window.controller.happened.connect(
        lambda e: seen.append(e) if isinstance(e, Snapshot) and "units" in e.data else None)
    window.train()
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=30_000)
    window.stop_training()
    last = seen[-1].data["units"]["weights"]["output"]["W"][0, 2]
    assert view.connection("output", 0, 2).weight == pytest.approx(float(last))
    assert view.connection("output", 0, 2).weight != before


def test_editing_a_connection_weight_is_one_undo_command(xor_window, qtbot,
                                                         monkeypatch) -> None:
    window = xor_window
    view = window.units_view
    shown = {name: {k: v.copy() for k, v in params.items()}
             for name, params in view.weights.items()}
    monkeypatch.setattr(QInputDialog, "getDouble", staticmethod(lambda *_a, **_k: (0.75, True)))
    count = window.stack.count()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.centre_of("hidden", 2, 0).toPoint())
    assert window.stack.count() == count + 1
    assert window.stack.undoText() == "Set the weight hidden: unit 3 ← x1 to 0.75"
    qtbot.waitUntil(lambda: not window.session_is_stale(), timeout=5_000)
    # the rebuilt network starts from the weights shown, with the one edited
    weights = window.session.network.get_weights()
    expected = shown["hidden"]["W"].copy()
    expected[2, 0] = 0.75
    np.testing.assert_allclose(weights["hidden.W"], expected, rtol=1e-6)
    np.testing.assert_allclose(weights["output.W"], shown["output"]["W"], rtol=1e-6)
    assert view.connection("hidden", 2, 0).weight == pytest.approx(0.75)
    window.stack.undo()
    assert "weights" not in window.spec.layer("hidden").config
    assert "bias" not in window.spec.layer("output").config
    qtbot.waitUntil(lambda: not window.session_is_stale(), timeout=5_000)
    fresh = compile_network(window.spec.copy()).get_weights()
    np.testing.assert_array_equal(window.session.network.get_weights()["hidden.W"],
                                  fresh["hidden.W"])
    window.stack.redo()
    assert window.spec.layer("hidden").config["weights"][2][0] == pytest.approx(0.75)


def test_the_weights_command_keeps_what_was_typed_before(main_window) -> None:
    assert main_window.open_path("worked_example")
    spec = main_window.spec
    old = spec.layer("layer_1").config["weights"]
    command = SetWeights(spec, {"layer_1": (np.array([[1, -2], [-1, 5]]), np.array([1, 0]))},
                         "Set")
    command.redo()
    net = compile_network(spec.copy())
    np.testing.assert_array_equal(net.get_weights()["layer_1.W"], [[1, -2], [-1, 5]])
    command.undo()
    assert spec.layer("layer_1").config["weights"] == old


def test_designs_the_view_cannot_draw_say_so(main_window) -> None:
    assert main_window.open_path("digits_cnn")
    main_window.units_action.setChecked(True)
    view = main_window.units_view
    assert view.columns == []
    assert "chain of Dense layers" in view.message


def test_a_presented_sample_writes_its_values_on_the_units(main_window, qtbot) -> None:
    from ui.panels.catalog import find_panel
    from ui.panels.step_panel import StepPanel

    assert main_window.open_path("worked_example")
    main_window.units_action.setChecked(True)
    panel = find_panel(main_window.panels, StepPanel)
    panel.input_edit.setText("1, -1")
    panel.target_edit.setText("1")
    panel.request_forward()
    qtbot.waitUntil(lambda: panel.trace is not None, timeout=20_000)
    view = main_window.units_view
    assert [u.value.text() for u in view.units["layer_1"]] == ["0.98", "0.12"]
    assert [u.value.text() for u in view.units["output"]] == ["0.62", "0.83"]
    qtbot.waitUntil(lambda: any(u.highlighted for u in view.units["output"]), timeout=10_000)
    assert not any(u.highlighted for u in view.units["layer_1"])


def test_an_empty_view_takes_payloads_without_columns(qtbot) -> None:
    view = UnitsView()
    qtbot.addWidget(view)
    view.set_columns(None, "nothing to draw")
    view.show_units({"weights": {}, "grids": None})
    view.show_values(None)
    view.highlight("x")
    assert view.message == "nothing to draw"


def test_a_hidden_view_keeps_the_payload_and_draws_it_when_shown(xor_window) -> None:
    window = xor_window
    view = window.units_view
    data = window.session.trainer.probes["units"](window.session.network)
    doubled = {"weights": {k: {key: v * 2 for key, v in p.items()}
                           for k, p in data["weights"].items()}, "grids": data["grids"]}
    before = view.connection("hidden", 0, 1).weight
    window.units_action.setChecked(False)
    view.show_units(doubled)
    assert view.connection("hidden", 0, 1).weight == before        # nothing drawn
    assert view.weights["hidden"]["W"][0, 1] == pytest.approx(2 * before)
    window.units_action.setChecked(True)
    assert view.connection("hidden", 0, 1).weight == pytest.approx(2 * before)


def test_the_weights_written_on_the_lines_never_overlap(xor_window) -> None:
    """Where lines converge the labels would cover each other: only those with room are
    written (the others are read by hovering), in normal and in Presentation mode."""
    window = xor_window
    for presentation in (False, True):
        window.menus.presentation.setChecked(presentation)
        view = window.units_view
        view.show_units(window.session.probe_now("units"))
        shown = [label.sceneBoundingRect() for label in view.labels if label.isVisible()]
        assert shown
        assert not any(a.intersects(b) for i, a in enumerate(shown) for b in shown[i + 1:])
    window.menus.presentation.setChecked(False)
