"""Redraw every panel, the progress bar and the status line from a loaded run's replay."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar

from ui.panels.base import Panel
from ui.training.replay import replay_of
from ui.training.session import TrainingSession


def show_replay(session: TrainingSession, panels: list[Panel], progress: QProgressBar,
                status: QLabel) -> bool:
    """Draw ``session``'s loaded run in ``panels``; False when it has not trained."""
    replay = replay_of(session)
    if replay is None:
        return False
    for panel in panels:
        panel.restore(replay)
        if panel.in_view():    # a run opened from a file is shown at once, not at the
            panel.catch_up()   # panel's next turn
    done, planned = replay.finished.epochs_completed, session.spec.training.epochs
    progress.setMaximum(max(planned, done))
    progress.setValue(done)
    status.setText(f"Trained for {done} epochs (as saved): press Train to continue or "
                   "start again")
    return True
