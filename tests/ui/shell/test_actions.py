"""The toolbar and the menus: the keyboard, the speed, undo and redo, and the panel list."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.design.commands import EditLayer
from ui.panels.catalog import find_panel
from ui.panels.weights_panel import WeightsPanel
from ui.shell.actions import DEFAULT_SPEED, SPEEDS


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


def _menu(window, title: str):
    return next(a.menu() for a in window.menuBar().actions() if a.text() == title)


def _action(menu, text: str):
    return next(a for a in menu.actions() if a.text() == text)


def test_the_speed_box_sets_the_training_speed(main_window) -> None:
    speed, controller = main_window.toolbar.speed, main_window.controller
    assert speed.currentText() == DEFAULT_SPEED
    assert controller.max_steps_per_second == SPEEDS[DEFAULT_SPEED]
    speed.setCurrentText("Full speed")
    assert controller.max_steps_per_second is None
    speed.setCurrentText("Slow (class demo)")
    assert controller.max_steps_per_second == SPEEDS["Slow (class demo)"]


def test_undo_and_redo_in_the_edit_menu_act_on_the_design(main_window) -> None:
    window = main_window
    window.stack.push(EditLayer(window.spec, "hidden_1", {"units": 5}))
    edit = _menu(window, "&Edit")
    next(a for a in edit.actions() if a.text().startswith("&Undo")).trigger()
    assert window.spec.layer("hidden_1").config["units"] == 16
    next(a for a in edit.actions() if a.text().startswith("&Redo")).trigger()
    assert window.spec.layer("hidden_1").config["units"] == 5
    _action(edit, "&Arrange the layers automatically").trigger()
    assert window.stack.count() == 2


def test_view_panels_brings_any_panel_forward(main_window) -> None:
    window = main_window
    panels = next(a.menu() for a in _menu(window, "&View").actions() if a.text() == "&Panels")
    assert [a.text() for a in panels.actions() if a.text().startswith("Show ")] == [
        f"Show {panel.title}" for panel in window.panels]
    weights = find_panel(window.panels, WeightsPanel)
    _action(panels, "Show Weights").trigger()
    assert weights in window.panel_tabs.in_view()


def test_the_training_menu_shares_the_toolbar_s_buttons(main_window) -> None:
    training = _menu(main_window, "&Training")
    toolbar = main_window.toolbar
    assert toolbar.run.stop in training.actions()
    assert toolbar.reset in training.actions()
    assert main_window.menus.train_or_pause in training.actions()
    assert main_window.menus.experiments in training.actions()
