"""The course's narrative in the main window: step controls on the toolbar and in the Training
menu, and the step-through panel wired to the training thread and to the canvas.

``install_step_controls(...)`` is called once by the main window, after the toolbar and the
menus exist, with the few objects it wires; the toolbar gets one Step button whose menu holds
the others. Step (F6)
trains one batch and pauses, Step epoch (Shift+F6) runs to the end of the epoch and pauses,
Present one instance (F7) trains on the sample chosen in the step-through panel (or the next
one) and shows its numbers there; the panel's Forward, Backward and Update buttons take the
same step one stage at a time. Everything that trains runs in the training thread
(:mod:`ui.training.stepping`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QToolButton, QWidget

from simulator.errors import BackpropError
from ui.panels.base import Panel
from ui.panels.catalog import find_panel
from ui.panels.data_panel import DataPanel
from ui.panels.step_panel import StepPanel
from ui.shell.actions import Toolbar
from ui.training.controller import TrainingController
from ui.training.session import TrainingSession
from ui.training.stepping import Sample, StepControls


@dataclass(frozen=True)
class StepActions:
    """The step controls and their three actions (on the toolbar and in the Training menu)."""

    controls: StepControls
    step: QAction
    step_epoch: QAction
    present: QAction


def install_step_controls(controller: TrainingController,
                          session: Callable[[], TrainingSession | None],
                          panels: Sequence[Panel], status: QLabel, toolbar: Toolbar,
                          training_menu: QMenu, highlight: Callable[[str | None], None],
                          show_panel: Callable[[Panel], None], parent: QWidget) -> StepActions:
    controls = StepControls(controller, session)
    panel = find_panel(panels, StepPanel)

    def nothing_to_train() -> None:
        panel.reset(None)
        status.setText("Nothing to train yet: choose a lesson, or a dataset that "
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
        show_panel(panel)
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

    find_panel(panels, DataPanel).sample_chosen.connect(panel.pick_dataset_sample)
    panel.forward_requested.connect(forward)
    panel.update_requested.connect(controls.update)
    panel.layer_highlighted.connect(highlight)
    installed = StepActions(
        controls,
        _action(parent, "Step", "F6", "Train one batch, then pause (F6)",
                lambda: step("batch")),
        _action(parent, "Step epoch", "Shift+F6",
                "Train to the end of the epoch, then pause (Shift+F6)", lambda: step("epoch")),
        _action(parent, "Present one instance", "F7",
                "Train on one sample (the one chosen in Step through, or the next) and show "
                "its forward pass, backward pass and update (F7)", present))
    actions = [installed.step, installed.step_epoch, installed.present]
    # One button on the toolbar, after Reset: Step, its menu the other two (room on the bar).
    button = QToolButton()
    button.setDefaultAction(installed.step)
    menu = QMenu(button)
    menu.addActions(actions)
    button.setMenu(menu)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
    after = toolbar.bar.actions()
    index = after.index(toolbar.reset) + 1 if toolbar.reset in after else len(after)
    if index < len(after):
        toolbar.bar.insertWidget(after[index], button)
    else:
        toolbar.bar.addWidget(button)
    training_menu.insertActions(toolbar.run.stop, actions)
    return installed


def _action(parent: QWidget, text: str, shortcut: str, tip: str,
            slot: Callable[[], object]) -> QAction:
    action = QAction(text, parent)
    action.setShortcut(QKeySequence(shortcut))
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.triggered.connect(slot)
    return action
