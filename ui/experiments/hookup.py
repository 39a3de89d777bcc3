"""Opening the experiments window from the main window, and one run at a time between them.

The main window enables Train (and Space) whenever its own controller is idle. While an
experiment runs, both sit in a disabled :class:`QActionGroup`: Qt then keeps them disabled
whatever the main window sets, and gives them back their own state when the group is enabled
again. The experiments window, for its part, disables Run while the main window trains.
The window (and scikit-learn, which its searches use) is imported on first use only: it is a
large part of the app's start-up time otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QActionGroup

if TYPE_CHECKING:
    from ui.experiments.window import ExperimentsWindow
    from ui.shell.main_window import MainWindow


def experiments_window(window: MainWindow) -> ExperimentsWindow:
    """The main window's experiments window, made (hidden) on first use."""
    experiments = getattr(window, "experiments", None)
    if experiments is None:
        from ui.experiments.window import ExperimentsWindow

        experiments = ExperimentsWindow(window)
        window.experiments = experiments
        gate = QActionGroup(window)
        gate.setExclusionPolicy(QActionGroup.ExclusionPolicy.None_)
        gate.addAction(window.train_action)
        gate.addAction(window.space_action)
        experiments.controller.state_changed.connect(
            lambda state: gate.setEnabled(state == "idle"))
    return experiments


def show_experiments(window: MainWindow) -> ExperimentsWindow:
    """Training ▸ Experiments…: bring the window forward, fitted to the current design."""
    experiments = experiments_window(window)
    experiments.refresh()
    experiments.show()
    experiments.raise_()
    experiments.activateWindow()
    return experiments
