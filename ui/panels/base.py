"""The interface every live panel implements; the main window feeds all panels the same way."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from ui.training.replay import Replay
from ui.training.session import TrainingSession
from ui.training.worker import BatchChunk


class Panel(QWidget):
    """A view of training. It receives NumPy payloads only, on the GUI thread."""

    title = "Panel"

    def reset(self, session: TrainingSession | None) -> None:
        """A new session was built (or None: nothing to show)."""

    def on_batches(self, chunk: BatchChunk) -> None:
        """Losses of the batches since the last call (at most ~30 times a second)."""

    def on_event(self, event: Any) -> None:
        """Started, EpochEnd or Snapshot."""

    def on_done(self, event: Any) -> None:
        """Finished or Failed."""

    def restore(self, replay: Replay) -> None:
        """Show a run trained earlier (a reopened project) as if it had just been watched:
        after :meth:`reset`, the replay's events go through the live handlers."""
        self.on_event(replay.started)
        self.on_batches(replay.chunk)
        for event in replay.epochs:
            self.on_event(event)
        self.on_event(replay.snapshot)
        self.on_done(replay.finished)
