"""The step-through panel: the worked example's numbers, stage by stage, from the real app."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.data import load_dataset
from simulator.errors import DataError
from simulator.spec import NetworkSpec
from simulator.training.step_through import StepThrough, Trace, Update
from ui.panels.catalog import find_panel
from ui.panels.parts.step_rows import number, stage_layers, stage_rows, values_text
from ui.panels.step_panel import StepPanel
from ui.training.session import build_session
from ui.training.stepping import NEXT, Sample, StepProblem, typed_sample


def _texts(panel: StepPanel) -> list[tuple[str, str, str]]:
    table = panel.table
    return [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]


@pytest.fixture
def worked(main_window):
    assert main_window.open_path("worked_example")
    return main_window, find_panel(main_window.panels, StepPanel)


def test_numbers_are_written_as_the_slides_write_them() -> None:
    assert [number(v) for v in (4.0, -2.0, 0.98201, 0.1192, 1.5e-5, 0.0)] == [
        "4", "−2", "0.982", "0.119", "1.5e-05", "0"]
    assert values_text(np.array([[1, -2], [-1, 1]])) == "[1, −2]\n[−1, 1]"
    assert values_text(np.arange(20.0)).endswith("… (20 values)]")
    wide = values_text(np.zeros((10, 64))).split("\n")
    assert len(wide) == 5
    assert wide[-1] == "… (10 rows × 64)"
    maps = np.zeros((3, 5, 5))
    maps[:, 2, 2] = [1, 2, 3]
    assert values_text(maps) == "3 maps 5×5; at row 2, column 2: [1, 2, 3]"


def test_the_worked_example_stage_by_stage(worked, qtbot) -> None:
    window, panel = worked
    panel.input_edit.setText("1, -1")
    panel.target_edit.setText("1")
    assert not panel.backward_button.isEnabled()
    highlights: list[object] = []
    panel.layer_highlighted.connect(highlights.append)
    panel.forward_button.click()
    qtbot.waitUntil(lambda: panel.trace is not None, timeout=20_000)
    rows = _texts(panel)
    assert ("input", "x", "[1, −1]") in rows
    assert ("layer_1", "z = W·x + b", "[4, −2]") in rows
    assert ("layer_1", "a = sigmoid(z)", "[0.982, 0.119]") in rows
    assert ("layer_2", "a = sigmoid(z)", "[0.864, 0.111]") in rows
    assert ("output", "a = sigmoid(z)", "[0.618, 0.829]") in rows
    assert ("target", "y", "class 1") in rows
    assert "the input (1, -1)" in panel.story.text()
    # the walk visits the input and every layer in order, and the canvas follows it
    order = ["input", "layer_1", "layer_2", "output"]
    qtbot.waitUntil(lambda: highlights[-1:] == ["output"], timeout=10_000)
    assert highlights == order
    scene = window.canvas.scene
    assert scene.layer_items["output"].highlighted
    assert not scene.layer_items["layer_1"].highlighted
    assert window.session.trainer.step == 0            # forward changes nothing
    panel.backward_button.click()
    rows = _texts(panel)
    assert rows[0][:2] == ("output", "δ = ∂L/∂z")
    assert rows[0][2] == values_text(panel.trace.output - np.array([0.0, 1.0]))
    assert {r[1] for r in rows} >= {"∂L/∂a", "∂L/∂W", "∂L/∂b"}
    before = window.session.network.get_weights()
    panel.update_button.click()
    qtbot.waitUntil(lambda: panel.step_update is not None, timeout=20_000)
    assert window.session.trainer.step == 1
    after = window.session.network.get_weights()
    change = panel.step_update.params["layer_1"]["W"].change
    np.testing.assert_allclose(change, (after["layer_1.W"] - before["layer_1.W"]), rtol=1e-6)
    rows = _texts(panel)
    assert ("layer_1", "W before", "[1, −2]\n[−1, 1]") in rows
    assert any(r[1] == "m (1st moment) of W" for r in rows)     # the lesson trains with Adam
    assert "adam" in panel.story.text()
    assert not panel.update_button.isEnabled()        # one update per trace
    panel.tabs.setCurrentIndex(0)                     # look back at the forward stage
    assert ("layer_1", "z = W·x + b", "[4, −2]") in _texts(panel)


def test_present_and_step_from_the_toolbar_and_menu(worked, qtbot) -> None:
    window, panel = worked
    window.step_controls.present.trigger()                   # the next training sample
    qtbot.waitUntil(lambda: panel.step_update is not None, timeout=20_000)
    assert panel.trace.label == "training sample 0"
    assert window.session.trainer.step == 1
    qtbot.waitUntil(lambda: window.controller.state == "idle", timeout=20_000)
    window.step_controls.step.trigger()
    qtbot.waitUntil(lambda: window.controller.state == "paused", timeout=20_000)
    assert window.session.trainer.step == 2
    window.step_controls.step_epoch.trigger()
    qtbot.waitUntil(lambda: window.session.trainer.completed_epochs == 1, timeout=20_000)
    qtbot.waitUntil(lambda: window.controller.state == "paused", timeout=20_000)
    assert window.toolbar.run.pause.text() == "Resume"
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Training")
    steps = window.step_controls
    assert {steps.step, steps.step_epoch, steps.present} <= set(
        menu.actions())
    window.stop_training()


def test_a_typed_input_that_does_not_fit_is_explained_before_any_work(worked, qtbot) -> None:
    window, panel = worked
    panel.input_edit.setText("1, 2, 3")
    panel.forward_button.click()
    assert "takes 2 input value(s), you typed 3" in panel.story.text()
    assert panel.trace is None
    assert not window.controller.running
    session = window.session
    with pytest.raises(DataError, match="numbers separated by commas"):
        typed_sample(session, "one, two", "1")
    with pytest.raises(DataError, match="from 0 to 1"):
        typed_sample(session, "1, -1", "7")
    assert typed_sample(session, "1 −1", "0") == Sample(values=(1.0, -1.0), target=0)


def test_a_problem_from_the_worker_shows_in_the_story(qtbot) -> None:
    panel = StepPanel()
    qtbot.addWidget(panel)
    session = build_session(NetworkSpec.from_dict({
        "input_shape": [2], "layers": [{"type": "Dense", "units": 2, "name": "out"},
                                       {"type": "Softmax", "name": "sm"}],
        "training": {"batch_size": 4, "epochs": 1}}), load_dataset("xor", n=16))
    panel.reset(session)
    assert panel.chosen_sample() == NEXT
    panel.on_event(StepProblem("there is no traced sample"))
    assert panel.story.text() == "there is no traced sample"
    trace = StepThrough(session.trainer).trace_index(2)
    panel.on_event(trace)
    assert [r[0] for r in _texts(panel)][:3] == ["input", "out", "out"]
    assert stage_layers("forward", trace, None) == ["out", "sm"]
    assert stage_rows("update", trace, None) == []
    assert isinstance(trace, Trace)
    assert not isinstance(trace, Update)
    panel.reset(None)
    assert panel.table.rowCount() == 0
    assert not panel.forward_button.isEnabled()


def test_a_sample_picked_in_the_dataset_view_is_the_one_presented(main_window, qtbot) -> None:
    from ui.panels.data_panel import DataPanel

    window = main_window
    assert window.open_path("xor")
    panel = find_panel(window.panels, StepPanel)
    find_panel(window.panels, DataPanel).sample_chosen.emit(5)
    x, y = window.dataset.x[5], window.dataset.y[5]
    assert panel.input_edit.text() == ", ".join(f"{v:.4g}" for v in x)
    assert panel.target_edit.text() == str(int(y))
    panel.request_forward()
    qtbot.waitUntil(lambda: panel.trace is not None, timeout=20_000)
    np.testing.assert_allclose(panel.trace.x, window.session.network_input(5)[0], atol=1e-4)
    assert panel.trace.target == y
    assert window.open_path("digits_mlp")            # 64 features: picked as it is
    find_panel(window.panels, DataPanel).sample_chosen.emit(7)
    assert panel.chosen_sample() == Sample(index=7, from_dataset=True)
    assert "Dataset sample 7" in panel.story.text()
    panel.sample_box.setValue(3)
    assert panel.chosen_sample() == Sample(index=3)


def _rows_in_view(table) -> int:
    """How many of the table's rows are wholly in view."""
    height = table.viewport().height()
    return sum(1 for r in range(table.rowCount())
               if table.rowViewportPosition(r) >= 0
               and table.rowViewportPosition(r) + table.rowHeight(r) <= height)


def test_six_rows_of_numbers_in_view_at_1280x720_in_presentation_mode(worked, qtbot) -> None:
    from PySide6.QtWidgets import QApplication

    from tests.ui.screens import on_screen
    from tests.ui.shell.test_file_menu import train_a_little
    from ui.panels.loss_panel import LossPanel

    window, panel = worked
    with on_screen(window, qtbot) as screen:
        train_a_little(window, qtbot)                    # the timeline bar shows too
        window.panel_tabs.show_panel(panel)
        panel.input_edit.setText("1, -1")
        panel.target_edit.setText("1")
        panel.forward_button.click()
        qtbot.waitUntil(lambda: panel.trace is not None, timeout=20_000)
        QApplication.processEvents()
        assert panel.table.rowCount() == 10
        assert _rows_in_view(panel.table) >= 6
        # the rest of the window still fits: the panel above keeps its least room, unscrolled
        loss = find_panel(window.panels, LossPanel)
        assert loss.isVisible()
        assert loss.height() >= loss.minimumSizeHint().height()
        assert not loss.parentWidget().parentWidget().verticalScrollBar().isVisible()
        assert not window.timeline.bar.isHidden()
        assert screen.contains(window.frameGeometry())
        assert window.statusBar().isVisible()
        window.panel_tabs.show_panel(window.panels[1])          # the split is given back
        sizes = window.panel_tabs.sizes()
        assert abs(sizes[0] - sizes[1]) <= 1
