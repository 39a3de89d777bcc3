"""The main window: editing the design, the keyboard, and live changes while training."""

from __future__ import annotations

from PySide6.QtCore import Qt

from simulator.training.trainer import BatchEnd
from ui.design.commands import EditLayer, MoveLayers


def test_every_panel_is_shown_in_a_tab(main_window) -> None:
    window = main_window
    shown = [tabs.widget(i) for tabs in window.panel_tabs for i in range(tabs.count())]
    assert sorted(map(id, shown)) == sorted(map(id, window.panels))
    top, bottom = window.panel_tabs
    assert top.currentWidget() is window.panels[0]      # the first two panels are in view
    assert bottom.currentWidget() is window.panels[1]


def test_palette_double_click_appends_a_layer(main_window) -> None:
    window = main_window
    window.palette.layer_chosen.emit("Dropout")
    assert window.spec.layers[-1].type == "Dropout"
    assert window.spec.layers[-1].position is not None
    window.stack.undo()
    assert window.spec.layers[-1].type == "Softmax"


def test_selecting_a_box_shows_it_in_the_inspector(main_window) -> None:
    window = main_window
    window.canvas.scene.select("hidden_2")
    assert window.inspector.name == "hidden_2"
    assert window.editor_tabs.currentIndex() == 0


def test_a_design_edit_rebuilds_the_session_but_a_move_does_not(main_window, qtbot) -> None:
    window = main_window
    session = window.session
    window.stack.push(MoveLayers(window.spec, {"output": (50.0, 50.0)}))
    qtbot.wait(10)
    assert window.session is session
    window.stack.push(EditLayer(window.spec, "hidden_1", {"units": 4}))
    qtbot.waitUntil(lambda: window.session is not session, timeout=2_000)
    assert window.session.network.layers["hidden_1"].params["W"].shape == (4, 2)
    # The run trains a copy: editing the window's design never touches a built network.
    assert window.session.spec is not window.spec


def test_space_trains_then_pauses_and_resumes(main_window, qtbot, qapp) -> None:
    window = main_window
    window.show()
    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()   # shortcuts need the active window
    qtbot.waitUntil(lambda: qapp.activeWindow() is window, timeout=3_000)
    window.controller.set_speed(None)
    window.canvas.view.setFocus()
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_Space)
    assert window.controller.state == "running"
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_Space)
    assert window.controller.state == "paused"
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_Space)
    assert window.controller.state == "running"
    window.stop_training()
    assert not window.controller.running


def test_a_learning_rate_edit_reaches_the_running_trainer(main_window, qtbot) -> None:
    window = main_window
    window.controller.set_speed(200.0)
    window.train()
    field = window.training_settings.fields["learning_rate"]
    field.setText("0.0005")
    field.editingFinished.emit()
    assert window.spec.training.optimizer["learning_rate"] == 0.0005

    def uses_new_rate(chunk) -> bool:
        return isinstance(chunk.last, BatchEnd) and abs(chunk.last.learning_rate - 0.0005) < 1e-12

    with qtbot.waitSignal(window.controller.batches, timeout=10_000, check_params_cb=uses_new_rate):
        pass
    window.stop_training()


def test_presentation_mode_enlarges_the_text(main_window, qapp) -> None:
    window = main_window
    before = qapp.font().pointSize()
    window.presentation_action.setChecked(True)
    assert qapp.font().pointSize() > before
    window.presentation_action.setChecked(False)
    assert qapp.font().pointSize() == before


def test_a_learning_rate_edit_keeps_the_session_and_reaches_its_trainer(main_window,
                                                                        qtbot) -> None:
    window = main_window
    session = window.session
    field = window.training_settings.fields["learning_rate"]
    field.setText("0.02")
    field.editingFinished.emit()
    qtbot.wait(10)
    assert window.session is session
    assert session.trainer.control.new_learning_rate == 0.02
    assert not window.session_is_stale()


def test_the_lesson_explanation_shows_while_no_layer_is_selected(main_window) -> None:
    from ui.shell.presets import load_preset

    window = main_window
    window.open_preset(load_preset("xor"))
    assert window.inspector.title.text() == load_preset("xor").title
    assert "hidden layer" in window.inspector.about.text()
    window.inspector.show_layer(window.spec.layers[0].name)
    assert "hidden layer" not in window.inspector.about.text()
