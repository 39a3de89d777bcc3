"""The inspector shows the network's numbers now: a layer's trained parameters (one row per unit,
the course's W) and every unit's z and a for a typed input, computed by the engine, from the
network only while no run owns it and from the snapshots while one does."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from simulator.training.probes import layer_values, parameter_values
from simulator.training.trainer import Snapshot
from ui.design.commands import SetTraining
from ui.editors.value_tables import number
from ui.shell.presets import load_preset
from ui.training.inspection import PENDING


@pytest.fixture
def worked(main_window):
    """The main window on the worked-example lesson, layer_1 selected."""
    main_window.open_preset(load_preset("worked_example"))
    main_window.canvas.scene.select("layer_1")
    assert main_window.inspector.name == "layer_1"
    return main_window


def texts(params: dict[str, np.ndarray]) -> list[list[str]]:
    """The rows a [W | b] table shows for these parameters: a row per unit."""
    w, b = params["weights"], params["bias"]
    return [[number(v) for v in (*w[i], b[i])] for i in range(w.shape[0])]


def evaluate(window, text: str) -> None:
    window.inspector.probe.edit.setText(text)
    window.inspector.probe.button.click()


def test_the_layer_shows_its_values_now_a_row_per_unit(worked) -> None:
    inspector = worked.inspector
    view = inspector.current_view
    assert view is not None
    assert view.table is not None
    table = view.table
    assert [table.verticalHeaderItem(r).text() for r in range(2)] == ["unit 1", "unit 2"]
    assert [table.horizontalHeaderItem(c).text() for c in range(3)] == ["in 1", "in 2", "b"]
    # Before training the network holds the typed values: the slide's W = [[1, -2], [-1, 1]].
    assert view.values() == [["1", "-2", "1"], ["-1", "1", "0"]]
    assert "not trained yet" in inspector.current_label.text()


def test_after_training_the_inspector_shows_the_trained_weights(worked, qtbot) -> None:
    window, inspector = worked, worked.inspector
    window.controller.set_speed(None)
    window.train()
    qtbot.waitUntil(lambda: window.controller.state == "idle", timeout=60_000)
    session = window.session
    assert session.trainer.step > 0
    trained = parameter_values(session.network)["layer_1"]
    # The engine's own numbers, stored as the course writes W in z = W x + b: a row per unit.
    internal = np.asarray(session.network.layers["layer_1"].params["W"])
    np.testing.assert_array_equal(trained["weights"], internal)
    assert inspector.current_view.values() == texts(trained)
    assert inspector.current_view.values() != [["1", "-2", "1"], ["-1", "1", "0"]]
    assert f"epoch {session.trainer.epoch}" in inspector.current_label.text()
    # The typed initial values are still shown below, for comparison.
    views = [v for v in inspector.params_host.findChildren(type(inspector.current_view))
             if v is not inspector.current_view]
    assert [v.values() for v in views] == [[["1", "-2", "1"], ["-1", "1", "0"]]]


def test_while_training_the_values_come_from_the_snapshots(worked, qtbot) -> None:
    window, inspector = worked, worked.inspector
    network = window.session.network
    forward_all = network.forward_all
    gui_calls_while_running: list[bool] = []

    def watched(*args, **kwargs):
        if threading.current_thread() is threading.main_thread() and window.controller.running:
            gui_calls_while_running.append(True)
        return forward_all(*args, **kwargs)

    network.forward_all = watched
    window.controller.set_speed(40.0)
    window.train()
    evaluate(window, "1, -1")
    # The worker owns the network: the typed input waits for the next snapshot.
    assert inspector.probe.caption.text() == PENDING
    with qtbot.waitSignal(window.controller.happened, timeout=20_000,
                          check_params_cb=lambda e: isinstance(e, Snapshot)
                          and e.data["typed"] and e.step > 0) as caught:
        pass
    snapshot = caught.args[0]
    assert inspector.current_view.values() == texts(snapshot.data["parameters"]["layer_1"])
    assert f"update {snapshot.step}" in inspector.current_label.text()
    shown = inspector.probe.table.cell_texts()
    values = snapshot.data["typed"]["values"]
    assert shown["output · 2"] == ("" if "z" not in values["output"]
                                   else number(values["output"]["z"][0, 1]),
                                   number(values["output"]["a"][0, 1]))
    assert f"update {snapshot.step}" in inspector.probe.caption.text()
    window.canvas.scene.select("output")                   # another layer, while it trains
    assert inspector.current_view is not None
    window.stop_training()
    assert gui_calls_while_running == []                   # the worker owned the network


def test_evaluating_an_input_reproduces_the_worked_example(worked) -> None:
    window = worked
    evaluate(window, "1, -1")
    shown = window.inspector.probe.table.cell_texts()
    # The lecture's numbers: (1, -1) → z = (4, -2), a = 0.98 / 0.12 → 0.86 / 0.11 → 0.62 / 0.83.
    assert shown["x · 1"] == ("", "1")
    assert shown["x · 2"] == ("", "-1")
    assert shown["layer_1 · 1"] == ("4", "0.982")
    assert shown["layer_1 · 2"] == ("-2", "0.119")
    assert [shown[f"layer_2 · {i}"][1] for i in (1, 2)] == ["0.864", "0.111"]
    assert [shown[f"output · {i}"][1] for i in (1, 2)] == ["0.618", "0.829"]
    # ... and they are the network's own forward pass, unit by unit.
    network = window.session.network
    outputs = network.forward_all(np.array([[1.0, -1.0]], dtype=np.float32))
    for name, out in zip(["layer_1", "layer_2", "output"], outputs[1:], strict=True):
        assert [shown[f"{name} · {i + 1}"][1] for i in range(2)] == [number(v) for v in out[0]]
    assert window.inspector.probe.table.highlighted == "layer_1"


def test_the_typed_input_follows_training_and_a_reset(worked, qtbot) -> None:
    window = worked
    evaluate(window, "1 -1")
    before = window.inspector.probe.table.cell_texts()["output · 1"]
    window.controller.set_speed(None)
    window.train()
    qtbot.waitUntil(lambda: window.controller.state == "idle", timeout=60_000)
    after = layer_values(window.session.network, [[1.0, -1.0]])["output"]["a"][0]
    shown = window.inspector.probe.table.cell_texts()
    assert [shown[f"output · {i + 1}"][1] for i in range(2)] == [number(v) for v in after]
    assert shown["output · 1"] != before
    window.reset()                        # fresh network: the typed values again
    assert window.inspector.probe.table.cell_texts()["output · 1"] == before


def test_the_input_can_be_typed_in_the_datas_units(worked) -> None:
    window = worked
    training = window.spec.training.replace(preprocessing="standardize")
    window.stack.push(SetTraining(window.spec, training, "Set preprocessing"))
    window.reset()
    probe = window.inspector.probe
    assert probe.data_units.isVisibleTo(window.inspector)
    evaluate(window, "1, -1")
    assert probe.table.cell_texts()["x · 1"] == ("", "1")      # the network's input as typed
    probe.data_units.setChecked(True)                          # evaluates again at once
    x = window.session.preprocessor.transform(np.array([[1.0, -1.0]]))
    assert probe.table.cell_texts()["x · 1"] == ("", number(x[0, 0]))
    assert probe.table.cell_texts()["x · 1"] != ("", "1")


@pytest.mark.parametrize(("text", "message"), [
    ("1, 2, 3", "takes 2 number(s)"), ("one, two", "'one' is not a number"), ("", "type")])
def test_a_wrong_input_says_what_to_type(worked, text: str, message: str) -> None:
    evaluate(worked, text)
    probe = worked.inspector.probe
    assert probe.message.isVisibleTo(worked.inspector)
    assert message in probe.message.text()
    assert not probe.table.isVisibleTo(worked.inspector)
