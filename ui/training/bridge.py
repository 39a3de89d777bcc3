"""The main window's side of training: buttons, live changes, and feeding the panels.

Training itself runs in :class:`ui.training.controller.TrainingController`'s thread; this only
starts, pauses and stops it and relays its (throttled, NumPy-only) signals to the panels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox

from simulator.training.trainer import EpochEnd, Failed, Finished, Started
from ui.training import resume_prompt
from ui.training.worker import BatchChunk

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow

REASONS = {"completed": "finished", "stopped": "stopped",
           "early_stopping": "stopped early (no improvement)"}


class TrainingBridge:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        #: The session this bridge last started (a trained session it never started was loaded).
        self._started: object | None = None
        controller = window.controller
        controller.batches.connect(self._on_batches)
        controller.event.connect(self._on_event)
        controller.done.connect(self._on_done)
        controller.error.connect(self._on_error)
        controller.state_changed.connect(self.on_state)
        window.training_settings.learning_rate_changed.connect(self._on_learning_rate)

    # ----- commands from the toolbar and keyboard ------------------------------------
    def train(self) -> None:
        window = self.window
        controller = window.controller
        if controller.running:
            controller.resume()
            return
        session = window.session
        if session is None or window.session_is_stale():
            window.reset()
            session = window.session
        elif session.trainer.step > 0 and (
                session is not self._started
                or session.trainer.epoch >= session.spec.training.epochs):
            # A loaded run, or one that has ended: continue it exactly, or start again.
            answer = resume_prompt.ask_resume(window, session.trainer.completed_epochs,
                                              session.spec.training.epochs)
            if answer is None:
                return
            if answer == resume_prompt.RESTART:
                window.reset()
                session = window.session
        if session is None:
            return
        self._started = session
        controller.start(session.trainer)

    def toggle_pause(self) -> None:
        controller = self.window.controller
        if controller.state == "paused":
            controller.resume()
        else:
            controller.pause()

    def train_or_pause(self) -> None:
        """Space: start training, or pause/resume the run in progress."""
        if self.window.controller.running:
            self.toggle_pause()
        else:
            self.train()

    def _on_learning_rate(self, value: float) -> None:
        """A new base learning rate: live while training, else from the next run's first batch."""
        window = self.window
        if window.controller.running:
            window.controller.set_learning_rate(value)
        elif window.session is not None:
            window.session.trainer.control.set_learning_rate(value)
        window.status_label.setText(f"Learning rate set to {value:g}")

    # ----- signals from the worker ------------------------------------------------------
    def on_state(self, state: str) -> None:
        w = self.window
        w.train_action.setEnabled(state != "running" and w.dataset is not None)
        w.pause_action.setEnabled(state in ("running", "paused"))
        w.pause_action.setText("Resume" if state == "paused" else "Pause")
        w.stop_action.setEnabled(state in ("running", "paused"))
        w.preset_box.setEnabled(state == "idle")
        w.file_menu.update_enabled()

    def _on_batches(self, chunk: BatchChunk) -> None:
        last = chunk.last
        self.window.status_label.setText(
            f"Epoch {last.epoch} · batch {last.batch} · loss {last.loss:.4f} · "
            f"learning rate {last.learning_rate:.3g}")
        for panel in self.window.panels:
            panel.on_batches(chunk)

    def _on_event(self, event: Any) -> None:
        w = self.window
        if isinstance(event, Started):
            w.progress.setMaximum(event.epochs)
        elif isinstance(event, EpochEnd):
            w.progress.setValue(min(event.epoch, w.progress.maximum()))
            metrics = " · ".join(f"{k.replace('_', ' ')} {v:.4g}"
                                 for k, v in event.metrics.items())
            w.status_label.setText(f"Epoch {event.epoch}: {metrics}")
        for panel in w.panels:
            panel.on_event(event)

    def _on_done(self, event: Finished | Failed) -> None:
        w = self.window
        for panel in w.panels:
            panel.on_done(event)
        if isinstance(event, Failed):
            w.status_label.setText(f"Training stopped: {event.message}")
        else:
            reason = REASONS.get(event.reason, event.reason.replace("_", " "))
            w.status_label.setText(f"Training {reason} after {event.epochs_completed} epochs")
        w.training_finished.emit(event)

    def _on_error(self, text: str) -> None:
        self.window.status_label.setText("Training failed with an internal error (details "
                                         "shown).")
        QMessageBox.critical(self.window, "Internal error", text)
