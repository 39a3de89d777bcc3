"""Owns the training thread: start, pause, resume, stop, and a clean shutdown."""

from __future__ import annotations

import weakref

from PySide6.QtCore import QObject, QThread, Signal

from simulator.training import Trainer
from ui.training.worker import TrainingWorker

_THREADS: weakref.WeakSet[QThread] = weakref.WeakSet()


def live_threads() -> list[QThread]:
    """Training threads that still exist (tests check none is left running)."""
    return list(_THREADS)


class TrainingController(QObject):
    """Starts one :class:`TrainingWorker` at a time and forwards its signals."""

    batches = Signal(object)
    event = Signal(object)
    done = Signal(object)
    error = Signal(str)
    state_changed = Signal(str)   # "idle" | "running" | "paused"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: TrainingWorker | None = None
        self.state = "idle"
        self.max_steps_per_second: float | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, trainer: Trainer) -> None:
        if self.running:
            raise RuntimeError("training is already running; stop it first")
        thread = QThread()
        thread.setObjectName("backprop-training")
        _THREADS.add(thread)
        worker = TrainingWorker(trainer)
        worker.max_steps_per_second = self.max_steps_per_second
        worker.moveToThread(thread)
        worker.batches.connect(self.batches)
        worker.event.connect(self.event)
        worker.done.connect(self.done)
        worker.error.connect(self.error)
        worker.stopped_running.connect(thread.quit)
        thread.started.connect(worker.run)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._worker = thread, worker
        thread.start()
        self._set_state("running")

    def pause(self) -> None:
        if self._worker is not None and self.state == "running":
            self._worker.pause()
            self._set_state("paused")

    def resume(self) -> None:
        if self._worker is not None and self.state == "paused":
            self._worker.resume()
            self._set_state("running")

    def stop(self) -> None:
        """Ask the trainer to stop after the current batch (returns at once)."""
        if self._worker is not None:
            self._worker.stop()

    def set_learning_rate(self, value: float) -> None:
        if self._worker is not None:
            self._worker.trainer.control.set_learning_rate(value)

    def set_speed(self, max_steps_per_second: float | None) -> None:
        """Limit the training speed (None: as fast as the machine goes)."""
        self.max_steps_per_second = max_steps_per_second
        if self._worker is not None:
            self._worker.max_steps_per_second = max_steps_per_second

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Stop and wait for the thread to end (used when the window closes)."""
        thread = self._thread
        if thread is None:
            return
        self.stop()
        thread.wait(timeout_ms)
        self._on_thread_finished()

    def _on_thread_finished(self) -> None:
        thread, self._thread, self._worker = self._thread, None, None
        if thread is not None:
            thread.deleteLater()
            self._set_state("idle")

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)
