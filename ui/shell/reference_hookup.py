"""Training ▸ Keep as reference / Clear reference, also on the Loss and Accuracy panels'
right-click menus: the run on screen stays on both panels as faint lines behind the next runs
(:mod:`ui.panels.parts.reference`).

Keeping needs a run with at least one step that is not training now (finished, stopped or
paused); a second keep replaces the first. The panels themselves forget a reference when a
session on other data is built.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu

from ui.panels.accuracy_panel import AccuracyPanel
from ui.panels.base import Panel
from ui.panels.catalog import find_panel
from ui.panels.loss_panel import LossPanel
from ui.panels.parts.reference import ReferenceGhosts, reference_of
from ui.training.controller import TrainingController
from ui.training.session import TrainingSession


@dataclass(frozen=True)
class ReferenceHookup:
    keep: QAction
    clear: QAction
    ghosts: tuple[ReferenceGhosts, ...]

    def kept(self) -> bool:
        return any(g.reference is not None for g in self.ghosts)


def install_reference(menu: QMenu, panels: Sequence[Panel], controller: TrainingController,
                      status: QLabel, session_changed: SignalInstance, *,
                      session: Callable[[], TrainingSession | None]) -> ReferenceHookup:
    """``session()`` is the window's session; ``session_changed`` carries every one it
    builds."""
    ghosts = (find_panel(panels, LossPanel).reference, find_panel(panels, AccuracyPanel).reference)
    keep = QAction("&Keep as reference", menu)
    keep.setStatusTip("Keep this run's loss and accuracy curves as faint lines behind the next "
                      "runs, to compare two runs")
    clear = QAction("Clear &reference", menu)
    clear.setStatusTip("Remove the kept run's curves from the Loss and Accuracy panels")
    menu.addSeparator()
    menu.addActions([keep, clear])
    for ghost in ghosts:
        ghost.offer([keep, clear])
    hookup = ReferenceHookup(keep, clear, ghosts)

    def update(*_args: object) -> None:
        current = session()
        keep.setEnabled(current is not None and current.trainer.step > 0
                        and controller.state != "running")
        clear.setEnabled(hookup.kept())

    def on_keep() -> None:
        current = session()
        if current is None or current.trainer.step == 0 or controller.state == "running":
            return
        reference = reference_of(current)
        for ghost in ghosts:
            ghost.keep(reference)
        status.setText(f"Kept as {reference.label()}: the next runs are drawn over it")
        update()

    def on_clear() -> None:
        for ghost in ghosts:
            ghost.clear()
        update()

    keep.triggered.connect(on_keep)
    clear.triggered.connect(on_clear)
    controller.state_changed.connect(update)
    session_changed.connect(update)
    update()
    return hookup
