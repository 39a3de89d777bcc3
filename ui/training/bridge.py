"""Between the training buttons, the controller's thread and the live panels.

Training itself runs in :class:`ui.training.controller.TrainingController`'s thread; the bridge
starts, pauses and stops it, passes a live learning-rate change on, and relays the controller's
(throttled, NumPy-only) signals to the panels, the status line and the progress bar. The
status line and the progress bar follow a run at most five times a second, at the interface's
pace (:mod:`ui.training.pacing`): a label whose text changes re-lays out the status bar, and
at 30 a second that alone took 3-4 % of the training's speed at Full speed. It is
given the few objects it uses, never the window, so it imports no view. Train is enabled only
when there is a session to train (a design that fits its data).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressBar

from simulator.training.trainer import EpochEnd, Failed, Finished, Started
from ui import error_log
from ui.training import resume_prompt
from ui.training.controller import TrainingController
from ui.training.pacing import PACE, Turns
from ui.training.session import TrainingSession
from ui.training.worker import BatchChunk

#: Seconds between two updates of the status line and the progress bar during a run, at least.
STATUS_PERIOD = 0.2
REASONS = {"completed": "finished", "stopped": "stopped",
           "early_stopping": "stopped early (no improvement)"}


class PanelFeed(Protocol):
    """What the bridge asks of a live panel (``ui.panels.base.Panel`` is one)."""

    def on_batches(self, chunk: BatchChunk) -> None: ...

    def on_event(self, event: Any) -> None: ...

    def on_done(self, event: Any) -> None: ...


@dataclass(frozen=True)
class RunActions:
    """The buttons of a run: Train (also Resume), Pause/Resume and Stop."""

    train: QAction
    pause: QAction
    stop: QAction


class TrainingBridge(QObject):
    """Runs the current session's trainer when Train is pressed and feeds ``panels``.

    ``session()`` is the session for the design as it is now (None when there is none, or the
    design changed since it was built); ``renew()`` builds a fresh one (new weights, empty plots)
    and returns it, None when the design cannot train; ``can_train()`` says whether Train can
    start a run now (the design fits its data).
    """

    #: Finished | Failed, emitted after the panels saw it.
    finished = Signal(object)

    def __init__(self, controller: TrainingController, panels: Sequence[PanelFeed],
                 actions: RunActions, status: QLabel, progress: QProgressBar,
                 session: Callable[[], TrainingSession | None],
                 renew: Callable[[], TrainingSession | None],
                 can_train: Callable[[], bool] = lambda: True) -> None:
        super().__init__(controller)
        self.controller, self.panels, self.actions = controller, list(panels), actions
        self.status, self.progress = status, progress
        self.session, self.renew, self.can_train = session, renew, can_train
        #: The session this bridge last started (a trained session it never started was loaded).
        self._started: object | None = None
        #: What the status line and progress bar show at their next turn (the newest news).
        self._news: tuple[Callable[[], str], int | None] | None = None
        self._status_turns = Turns(self._show_news, lambda: PACE.period(STATUS_PERIOD), self)
        actions.train.triggered.connect(self.train)
        actions.pause.triggered.connect(self.toggle_pause)
        actions.stop.triggered.connect(controller.stop)
        controller.batches.connect(self._on_batches)
        controller.happened.connect(self._on_event)
        controller.done.connect(self._on_done)
        controller.error.connect(self._on_error)
        controller.state_changed.connect(self.on_state)
        self.on_state(controller.state)

    # ----- commands from the toolbar and keyboard ------------------------------------
    def train(self) -> None:
        """Resume a paused run, or train the current session (a fresh one once it is out of
        date); on a loaded run or one that has ended, ask whether to continue it exactly or
        start again."""
        if self.controller.running:
            self.controller.resume()
            return
        session = self.session()
        if session is None:
            session = self.renew()
        elif session.trainer.step > 0 and (
                session is not self._started
                or session.trainer.epoch >= session.spec.training.epochs):
            # A loaded run, or one that has ended: continue it exactly, or start again.
            answer = resume_prompt.ask_resume(self.status.window(),
                                              session.trainer.completed_epochs,
                                              session.spec.training.epochs)
            if answer is None:
                return
            if answer == resume_prompt.RESTART:
                session = self.renew()
        if session is not None:
            self._started = session
            self.controller.start(session.trainer)

    def toggle_pause(self) -> None:
        if self.controller.state == "paused":
            self.controller.resume()
        else:
            self.controller.pause()

    def train_or_pause(self) -> None:
        """Space: start training, or pause/resume the run in progress."""
        if self.controller.running:
            self.toggle_pause()
        else:
            self.train()

    def set_learning_rate(self, value: float) -> None:
        """A new base learning rate: live while training, else from the next run's first batch
        (a session built later reads it from the design)."""
        if self.controller.running:
            self.controller.set_learning_rate(value)
        else:
            session = self.session()
            if session is not None:
                session.trainer.control.set_learning_rate(value)
        self.status.setText(f"Learning rate set to {value:g}")

    # ----- signals from the worker ------------------------------------------------------
    def on_state(self, state: str) -> None:
        if state == "idle":
            # A run shut down (Reset, another design or file) sends no Finished: what it told
            # the status line and is still waiting for its turn must not be shown over what
            # the window shows next (a reopened run's epochs, its "Trained for" line).
            self._news = None
            self._status_turns.cancel()
            # And the drawing is back at its full rate: a Full-speed run left the turns
            # spaced out, which made scrubbing the run just trained lag by up to 0.8 s.
            PACE.rest()
        elif state == "running":
            PACE.resume()
        self.actions.train.setEnabled(state != "running"
                                       and (self.controller.running or self.can_train()))
        self.actions.pause.setEnabled(state in ("running", "paused"))
        self.actions.pause.setText("Resume" if state == "paused" else "Pause")
        self.actions.stop.setEnabled(state in ("running", "paused"))

    def _on_batches(self, chunk: BatchChunk) -> None:
        last = chunk.last
        self._tell(lambda: f"Epoch {last.epoch} · batch {last.batch} · loss {last.loss:.4f} · "
                           f"learning rate {last.learning_rate:.3g}")
        for panel in self.panels:
            panel.on_batches(chunk)

    def _on_event(self, event: Any) -> None:
        if isinstance(event, Started):
            self.progress.setMaximum(event.epochs)
        elif isinstance(event, EpochEnd):
            self._tell(lambda: f"Epoch {event.epoch}: " + " · ".join(
                f"{k.replace('_', ' ')} {v:.4g}" for k, v in event.metrics.items()),
                event.epoch)
        for panel in self.panels:
            panel.on_event(event)

    def _tell(self, text: Callable[[], str], epoch: int | None = None) -> None:
        """Show ``text()`` (and ``epoch`` on the progress bar) at the status line's next turn
        (a text overtaken before then is never formatted); an epoch already waiting stays for
        the bar when only a batch's text follows it."""
        if epoch is None and self._news is not None:
            epoch = self._news[1]
        self._news = (text, epoch)
        self._status_turns.due()

    def _show_news(self) -> None:
        if self._news is None:
            return
        (text, epoch), self._news = self._news, None
        if epoch is not None:
            self.progress.setValue(min(epoch, self.progress.maximum()))
        self.status.setText(text())

    def _on_done(self, event: Finished | Failed) -> None:
        self._show_news()                  # the bar at the last epoch; the text is replaced
        self._status_turns.cancel()
        for panel in self.panels:
            panel.on_done(event)
        if isinstance(event, Failed):
            self.status.setText(f"Training stopped: {event.message}")
        else:
            reason = REASONS.get(event.reason, event.reason.replace("_", " "))
            self.status.setText(f"Training {reason} after {event.epochs_completed} epochs")
        self.finished.emit(event)

    def _on_error(self, text: str) -> None:
        path = error_log.record(text)
        line = error_log.last_line(text)
        self.status.setText(f"Training failed with an internal error ({line}); "
                            f"the details are in {path}")
        QMessageBox.critical(self.status.window(), "Internal error",
                             f"Training failed with an internal error: {line}. The app is still "
                             f"running; the details are in {path}")
