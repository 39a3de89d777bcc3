"""Opening the experiments window from the main window, and one run at a time between them.

The main window enables Train (and Space) whenever its own controller is idle. While an
experiment runs, both sit in a disabled :class:`QActionGroup`: Qt then keeps them disabled
whatever the main window sets, and gives them back their own state when the group is enabled
again. The experiments window, for its part, disables Run while the main window trains.
The window (and scikit-learn, which its searches use) is imported on first use only: it is a
large part of the app's start-up time otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QWidget

from ui.experiments.host import MainDesign

if TYPE_CHECKING:
    from ui.experiments.window import ExperimentsWindow


class ExperimentsHookup:
    """Training ▸ Experiments…: the window over ``parent``, made (hidden) on first use; while
    it runs, the ``gated`` actions (Train and Space) stay disabled."""

    def __init__(self, parent: QWidget, design: MainDesign, gated: Sequence[QAction]) -> None:
        self.parent, self.design, self.gated = parent, design, list(gated)
        self._window: ExperimentsWindow | None = None

    def experiments_window(self) -> ExperimentsWindow:
        if self._window is None:
            from ui.experiments.window import ExperimentsWindow

            self._window = ExperimentsWindow(self.parent, self.design)
            gate = QActionGroup(self.parent)
            gate.setExclusionPolicy(QActionGroup.ExclusionPolicy.None_)
            for action in self.gated:
                gate.addAction(action)
            self._window.controller.state_changed.connect(
                lambda state: gate.setEnabled(state == "idle"))
        return self._window

    def show(self) -> ExperimentsWindow:
        """Bring the window forward, fitted to the current design."""
        experiments = self.experiments_window()
        experiments.refresh()
        experiments.show()
        experiments.raise_()
        experiments.activateWindow()
        return experiments
