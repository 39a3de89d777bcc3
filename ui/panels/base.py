"""The interface every live panel implements; the main window feeds all panels the same way.

A panel keeps what it is told (``reset``, ``on_batches``, ``on_event``, ``on_done``) in its own
model, which costs little, and draws it in :meth:`Panel.redraw` only while it is in view: a
panel in a tab that is not in front does no drawing at all, and catches up, once, when it is
shown. Every update calls :meth:`Panel.refresh`, which draws now or remembers to; in a window,
at most :attr:`Panel.max_redraw_hz` times a second (a later update waits for the next turn,
which then draws everything that came), so a panel's drawing cannot take the interface thread
(and, through the GIL, the training) however fast updates come.

The turns (:class:`ui.training.pacing.Turns`) follow the interface thread's load
(:data:`ui.training.pacing.PACE`): while drawing takes too much of it, at Full speed, every
panel draws less often rather than slowing the training.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from ui.training.pacing import FRAME_RATE, PACE, RedrawPace, Turns
from ui.training.replay import Replay
from ui.training.session import TrainingSession
from ui.training.worker import BatchChunk


class Panel(QWidget):
    """A view of training. It receives NumPy payloads only, on the GUI thread."""

    title = "Panel"
    #: The tab's label where the title does not fit (Presentation mode on a small screen).
    short_title: str | None = None
    #: Redraws a second at most, for a panel in a window (a growing curve looks as live at 10;
    #: the worker sends as often).
    max_redraw_hz = FRAME_RATE
    #: What spaces the redraws further apart while the interface thread is busy.
    pace: RedrawPace = PACE

    def __init__(self) -> None:
        super().__init__()
        #: Something changed while the panel was out of view: it redraws when shown.
        self.behind = False
        self.turns = Turns(self._turn, lambda: self.pace.period(1.0 / self.max_redraw_hz),
                           self)

    def reset(self, session: TrainingSession | None) -> None:
        """A new session was built (or None: nothing to show)."""

    def on_batches(self, chunk: BatchChunk) -> None:
        """Losses of the batches since the last call (at most ~30 times a second)."""

    def on_event(self, event: Any) -> None:
        """Started, EpochEnd (coalesced: see :func:`ui.training.worker.epoch_ends`) or
        Snapshot."""

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
    # ----- drawing only what is in view -----------------------------------------------
    def in_view(self) -> bool:
        """True unless the panel sits in a part of a window that is not shown (a tab that is
        not in front, a hidden stack). A panel on its own, outside any window, always draws."""
        return self.isWindow() or self.isVisibleTo(self.window())

    def refresh(self) -> None:
        """The model changed: draw it now if the panel is in view and its turn has come,
        at its next turn if not, or when it is shown if it is out of view."""
        if not self.in_view():
            self.behind = True
        elif self.isWindow():                     # on its own, a panel draws every update
            self.turns.now()
        else:
            self.turns.due()

    def catch_up(self) -> None:
        """Draw now what is waiting, in view or not (an export reads what is drawn)."""
        if self.behind or self.turns.waiting:
            self.turns.cancel()
            self._draw()

    def _turn(self) -> None:
        if self.in_view():
            self._draw()
        else:                    # hidden since the update: it draws when shown
            self.behind = True

    def _draw(self) -> None:
        self.behind = False
        self.redraw()

    def redraw(self) -> None:
        """Draw the model (called only while the panel is in view). Its cost must not grow
        with the length of the run."""

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.behind:          # shown: draw what it missed at once (a tab switch shows it)
            self.turns.now()
