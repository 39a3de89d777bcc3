"""Data a teacher can shape: the Data tab's sliders and Regenerate, points added and removed by
clicking the Decision boundary plot, Ctrl+click to evaluate the network there; every change one
undo step that restores the data exactly, and edited points kept by a saved project."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from simulator.io import load_project
from tests.ui.shell.test_file_menu import train_a_little
from ui.panels.boundary_panel import BoundaryPanel
from ui.panels.catalog import find_panel
from ui.shell.presets import load_preset


@pytest.fixture
def window(main_window, qtbot):
    main_window.open_preset(load_preset("xor"))
    main_window.show()
    qtbot.waitExposed(main_window)
    boundary = find_panel(main_window.panels, BoundaryPanel)
    main_window.panel_tabs.show_panel(boundary)
    qtbot.wait(50)
    yield main_window
    main_window.stack.clear()


def arrays(window) -> tuple[np.ndarray, np.ndarray]:
    return window.dataset.x.copy(), window.dataset.y.copy()


def assert_same(window, data: tuple[np.ndarray, np.ndarray]) -> None:
    np.testing.assert_array_equal(window.dataset.x, data[0])
    np.testing.assert_array_equal(window.dataset.y, data[1])


def plot_point(window, x: float, y: float) -> QPoint:
    """Where the boundary plot draws (x, y), in its viewport's pixels."""
    plot = find_panel(window.panels, BoundaryPanel).plot
    scene = plot.getPlotItem().getViewBox().mapViewToScene(QPointF(x, y))
    return plot.mapFromScene(scene)


def click(window, qtbot, x: float, y: float, button=Qt.MouseButton.LeftButton,
          modifier=Qt.KeyboardModifier.NoModifier) -> None:
    plot = find_panel(window.panels, BoundaryPanel).plot
    qtbot.mouseClick(plot.viewport(), button, modifier, plot_point(window, x, y))


def test_each_slider_change_and_regenerate_is_one_undo_step(window) -> None:
    controls, stack = window.data_controls, window.stack
    assert controls.noise.isVisibleTo(controls)
    original = arrays(window)
    controls.noise.spin.setValue(0.3)
    assert stack.count() == 1
    assert window.dataset_choice.options["noise"] == 0.3
    assert not np.array_equal(window.dataset.x, original[0])
    controls.points.slider.setValue(120)
    assert stack.count() == 2
    assert len(window.dataset) == 120
    noisy_120 = arrays(window)
    controls.regenerate.click()
    assert stack.count() == 3
    assert window.dataset_choice.options["seed"] == 1
    assert controls.seed_label.text() == "seed 1"
    assert not np.array_equal(window.dataset.x, noisy_120[0])
    controls.validation.slider.setValue(controls.validation.to_step(0.5))
    assert stack.count() == 4
    assert window.spec.training.validation_split == 0.5
    stack.undo()
    assert window.spec.training.validation_split == 0.2
    stack.undo()
    assert_same(window, noisy_120)
    assert controls.points.spin.value() == 120
    stack.undo()
    stack.undo()
    assert_same(window, original)
    assert controls.noise.spin.value() == pytest.approx(0.05)
    assert window.dataset_choice.options == {"n": 300}
    stack.redo()
    assert window.dataset_choice.options["noise"] == 0.3


def test_a_value_the_generator_refuses_changes_nothing(window) -> None:
    window.data_hookup.set_option("n", 1)      # xor has two classes: one point is too few
    assert window.stack.count() == 0
    assert "Cannot change the number of points" in window.status_label.text()


def test_new_data_starts_a_fresh_session_instead_of_mixing(window, qtbot) -> None:
    train_a_little(window, qtbot, epochs=1)
    trained = window.session
    assert trained.trainer.step > 0
    window.data_controls.noise.spin.setValue(0.2)
    assert window.session is not trained
    assert window.session.trainer.step == 0
    assert window.session.dataset is window.dataset


def test_sliders_hide_for_data_that_is_not_generated_in_2d(window) -> None:
    window.file_menu.load_data("digits")
    controls = window.data_controls
    assert not controls.noise.isVisibleTo(controls)
    assert not controls.regenerate.isVisibleTo(controls)
    assert not controls.point_class_box.isVisibleTo(controls)
    assert controls.validation.isVisibleTo(controls)
    window.stack.undo()                           # the dataset choice is one undo step too
    assert window.dataset_choice.source == "xor"
    assert controls.noise.isVisibleTo(controls)


def test_a_click_adds_a_point_and_a_right_click_removes_it(window, qtbot) -> None:
    original = arrays(window)
    window.data_controls.point_class_box.setCurrentIndex(1)
    session = window.session
    click(window, qtbot, 0.8, -0.9)
    assert window.stack.count() == 1
    assert len(window.dataset) == len(original[0]) + 1
    assert window.dataset.y[-1] == 1
    added = session.preprocessor.transform(window.dataset.x[-1:])[0]   # where it was clicked
    width, height = find_panel(window.panels, BoundaryPanel).plot.getPlotItem() \
        .getViewBox().viewPixelSize()
    assert abs(added[0] - 0.8) <= width
    assert abs(added[1] + 0.9) <= height
    assert window.session.x_train[-1].tolist() == pytest.approx(
        window.session.as_network_input(window.dataset.x[-1:])[0].tolist())   # a training point
    where = window.data_hookup.editor.positions[-1]
    click(window, qtbot, *where, button=Qt.MouseButton.RightButton)
    assert window.stack.count() == 2
    assert_same(window, original)
    assert window.dataset_choice.edits.empty
    first = window.data_hookup.editor.positions[0]
    click(window, qtbot, *first, button=Qt.MouseButton.RightButton)
    assert window.dataset_choice.edits.removed == (0,)
    np.testing.assert_array_equal(window.dataset.x, original[0][1:])
    window.stack.undo()
    window.stack.undo()
    assert len(window.dataset) == len(original[0]) + 1
    window.stack.undo()
    assert_same(window, original)


def test_a_right_click_away_from_every_point_removes_nothing(window, qtbot) -> None:
    x0, x1, y0, y1 = window.session.grid_bounds      # the plot's margin around the data
    x, y = x0 + 0.02 * (x1 - x0), y0 + 0.02 * (y1 - y0)
    assert window.data_hookup.editor.nearest(x, y) is None
    click(window, qtbot, x, y, button=Qt.MouseButton.RightButton)
    assert window.stack.count() == 0


def test_edited_points_come_back_from_a_saved_project(window, qtbot, tmp_path: Path) -> None:
    click(window, qtbot, 0.5, 0.5)
    window.data_controls.point_class_box.setCurrentIndex(1)
    click(window, qtbot, -0.5, 0.5)
    click(window, qtbot, *window.data_hookup.editor.positions[3],
          button=Qt.MouseButton.RightButton)
    edited = arrays(window)
    path = tmp_path / "edited.bpproj"
    assert window.file_menu.write_project(path)
    choice = load_project(path).dataset
    assert choice == window.dataset_choice
    loaded = choice.load()
    np.testing.assert_array_equal(loaded.x, edited[0])
    np.testing.assert_array_equal(loaded.y, edited[1])
    window.open_preset(load_preset("spiral"))
    assert window.open_path(str(path))
    assert_same(window, edited)
    assert window.data_controls.caption.text().endswith("(2 points added and 1 removed by hand)")


def test_ctrl_click_evaluates_the_network_at_the_clicked_input(window, qtbot) -> None:
    click(window, qtbot, 0.6, -0.4, modifier=Qt.KeyboardModifier.ControlModifier)
    assert window.stack.count() == 0                       # probing edits nothing
    numbers, data_units = window.inspection.typed
    width, height = find_panel(window.panels, BoundaryPanel).plot.getPlotItem() \
        .getViewBox().viewPixelSize()
    assert abs(numbers[0] - 0.6) <= width
    assert abs(numbers[1] + 0.4) <= height
    assert data_units is False
    assert window.editor_tabs.currentIndex() == 0
    probe = window.inspector.probe
    assert probe.table.isVisibleTo(window.inspector)
    session = window.session
    expected = session.typed_values()["values"]
    from simulator.training.probes import layer_values
    again = layer_values(session.network, np.array([numbers], dtype=np.float32))
    for layer, values in again.items():
        np.testing.assert_allclose(expected[layer]["a"], values["a"], rtol=1e-6)


def test_the_units_view_shows_the_evaluated_inputs_values(window, qtbot) -> None:
    window.units_action.setChecked(True)
    click(window, qtbot, 0.6, -0.4, modifier=Qt.KeyboardModifier.ControlModifier)
    values = window.session.typed_values()["values"]
    view = window.units_view
    inputs = [item.value.text() for item in view.units["input"]]
    assert inputs == [f"{v:.2f}" for v in values["input"]["a"].reshape(-1)]
    last = view.columns[-1]
    shown = [item.value.text() for item in view.units[last.name]]
    assert shown == [f"{v:.2f}" for v in values[last.shown]["a"].reshape(-1)]


def test_showing_data_pushes_nothing(main_window) -> None:
    """The controls show what is on screen without a word: a new window or a lesson opened
    has nothing to undo and the lesson's own data."""
    assert main_window.stack.count() == 0
    assert main_window.dataset_choice == load_preset().dataset
    assert len(main_window.dataset) == load_preset().dataset.options["n"]
    for lesson in ("xor", "spiral", "digits_mlp", "sine_regression"):
        main_window.open_preset(load_preset(lesson))
        assert main_window.stack.count() == 0
        choice = load_preset(lesson).dataset
        assert main_window.dataset_choice == choice
        if "n" in choice.options:
            assert len(main_window.dataset) == choice.options["n"]


def test_ctrl_click_on_a_fitted_curve_evaluates_nothing(main_window) -> None:
    main_window.open_preset(load_preset("sine_regression"))
    main_window.data_hookup.probe_at(0.5, 0.2)
    assert main_window.inspection.typed is None
    assert "network with 2 inputs" in main_window.status_label.text()
