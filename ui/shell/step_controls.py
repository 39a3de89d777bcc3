"""The course's narrative in the main window: step controls on the toolbar and in the Training
menu, and the step-through panel wired to the training thread and to the canvas.

``install_step_controls(window)`` is called once, after the toolbar, the menus and the
training bridge exist; the toolbar gets one Step button whose menu holds the others. Step (F6)
trains one batch and pauses, Step epoch (Shift+F6) runs to the end of the epoch and pauses,
Present one instance (F7) trains on the sample chosen in the step-through panel (or the next
one) and shows its numbers there; the panel's Forward, Backward and Update buttons take the
same step one stage at a time. Everything that trains runs in the training thread
(:mod:`ui.training.stepping`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton

from simulator.errors import BackpropError
from ui.panels.catalog import find_panel
from ui.panels.data_panel import DataPanel
from ui.panels.step_panel import StepPanel
from ui.shell.actions import show_panel
from ui.training.stepping import Sample, StepControls

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow


def install_step_controls(w: MainWindow) -> StepControls:
    controls = StepControls(w.controller, lambda: w.session)
    panel = find_panel(w.panels, StepPanel)

    def nothing_to_train() -> None:
        panel.reset(None)
        w.status_label.setText("Nothing to train yet: choose a lesson, or a dataset that "
                               "fits the design.")

    def forward(sample: Sample) -> None:
        try:
            started = controls.trace(sample)
        except BackpropError as exc:
            panel.show_problem(str(exc))
            return
        if not started:
            nothing_to_train()

    def present() -> None:
        show_panel(w, panel)
        try:
            sample = panel.chosen_sample()
        except BackpropError as exc:
            panel.show_problem(str(exc))
            return
        panel.expect_result()
        try:
            started = controls.present(sample)
        except BackpropError as exc:
            panel.show_problem(str(exc))
            return
        if not started:
            nothing_to_train()

    def step(until: str) -> None:
        if not controls.step(until):
            nothing_to_train()

    find_panel(w.panels, DataPanel).sample_chosen.connect(panel.pick_dataset_sample)
    panel.forward_requested.connect(forward)
    panel.update_requested.connect(controls.update)
    panel.layer_highlighted.connect(w.canvas.scene.highlight)
    w.step_action = _action(w, "Step", "F6", "Train one batch, then pause (F6)",
                            lambda: step("batch"))
    w.step_epoch_action = _action(w, "Step epoch", "Shift+F6",
                                  "Train to the end of the epoch, then pause (Shift+F6)",
                                  lambda: step("epoch"))
    w.present_action = _action(w, "Present one instance", "F7",
                               "Train on one sample (the one chosen in Step through, or the "
                               "next) and show its forward pass, backward pass and update "
                               "(F7)", present)
    actions = [w.step_action, w.step_epoch_action, w.present_action]
    bar = w.findChild(QToolBar, "toolbar-training")
    if bar is not None:       # one button: Step, its menu the other two (room on the toolbar)
        button = QToolButton()
        button.setDefaultAction(w.step_action)
        menu = QMenu(button)
        menu.addActions(actions)
        button.setMenu(menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        after = bar.actions()
        index = after.index(w.reset_action) + 1 if w.reset_action in after else len(after)
        if index < len(after):
            bar.insertWidget(after[index], button)
        else:
            bar.addWidget(button)
    training = next((a.menu() for a in w.menuBar().actions()
                     if a.text().replace("&", "") == "Training"), None)
    if isinstance(training, QMenu):
        training.insertActions(w.stop_action, actions)

    return controls


def _action(w: MainWindow, text: str, shortcut: str, tip: str, slot: object) -> QAction:
    action = QAction(text, w)
    action.setShortcut(QKeySequence(shortcut))
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.triggered.connect(slot)
    return action
