"""Owns the training thread: start, pause, resume, stop, and a clean shutdown.

The one bridge from the engine to Qt: ``start`` runs a Trainer (its snapshots paced by
:func:`simulator.training.probes.paced_run`), ``start_events`` any engine event generator (an
experiment) with the same pause, stop, throttling and stale-signal rules.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from simulator.training.probes import paced_run
from simulator.training.trainer import Failed, Finished, Trainer, TrainerControl
from ui.training.pacing import HOLD, PACE
from ui.training.worker import BatchChunk, TrainingWorker, one_blas_thread

_THREADS: weakref.WeakSet[QThread] = weakref.WeakSet()
_ORPHANS: set[QThread] = set()


def live_threads() -> list[QThread]:
    """Training threads that still exist (tests check none is left running)."""
    return [thread for thread in _THREADS if shiboken6.isValid(thread)]


class TrainingController(QObject):
    """Starts one :class:`TrainingWorker` at a time and forwards its signals.

    Signals still queued from a worker that has been shut down are dropped, so a reset or a
    newly opened design never receives a stale batch from the previous run.
    """

    batches = Signal(object)
    #: Every event but the batches and the end: Started, EpochEnds, Snapshot, Kept, an
    #: experiment's results (named so as not to shadow QObject.event).
    happened = Signal(object)
    done = Signal(object)
    error = Signal(str)
    state_changed = Signal(str)   # "idle" | "running" | "paused"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: TrainingWorker | None = None
        self._relay: _Relay | None = None
        self.state = "idle"
        self.max_steps_per_second: float | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, trainer: Trainer) -> None:
        """Train ``trainer`` in the worker thread, its probes sampled at a live view's pace
        (less often while the interface's redraws are spaced out: :data:`PACE`)."""
        self.start_events(paced_run(trainer, stretch=lambda: PACE.stretch), trainer.control)

    def start_events(self, events: Iterator[Any], control: TrainerControl) -> None:
        """Pull ``events`` in the worker thread; ``stop`` goes to ``control``, which every
        trainer behind ``events`` must read."""
        if self.running:
            raise RuntimeError("training is already running; stop it first")
        one_blas_thread()
        thread = QThread()
        thread.setObjectName("backprop-training")
        _THREADS.add(thread)
        worker = TrainingWorker(events, control)
        worker.max_steps_per_second = self.max_steps_per_second
        worker.moveToThread(thread)
        self._relay = _Relay(self, worker)
        # Direct: QThread.quit is thread-safe, and shutdown() blocks the GUI thread in wait().
        worker.stopped_running.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        thread.started.connect(worker.run)
        # Through the run's relay: a thread shut down earlier may deliver its queued
        # ``finished`` after the next run has started (even ended, its last events still
        # queued), which must not release that run and drop its events.
        thread.finished.connect(self._relay.on_finished)
        self._thread, self._worker = thread, worker
        thread.start()
        self._set_state("running")

    def step(self, trainer: Trainer, until: str) -> None:
        """Train ``trainer`` to the end of the next ``"batch"`` or ``"epoch"``, then pause
        (starting its run first when none is in progress)."""
        if not self.running:
            self.start(trainer)
        assert self._worker is not None
        self._worker.pause_after(until, snapshot_follows=bool(trainer.probes))
        self._set_state("running")

    def run_in_worker(self, events: Iterator[Any], control: TrainerControl) -> None:
        """Pull ``events`` (short work on the session's trainer, e.g. a step-through) in the
        training thread: between the batches of the run in progress, which pauses for it,
        or as a run of its own when there is none."""
        if not self.running:
            self.start_events(events, control)
            return
        assert self._worker is not None
        self.pause()
        if not self._worker.interject(events):     # that run has just ended: a run of its own
            self.shutdown()
            self.start_events(events, control)

    def pause(self) -> None:
        if self._worker is not None and self.state == "running":
            self._worker.pause()
            self._set_state("paused")

    def resume(self) -> None:
        if self._worker is not None and self.state == "paused":
            self._worker.resume()
            self._set_state("running")

    def stop(self) -> None:
        """Ask the run to stop after the current batch (returns at once)."""
        if self._worker is not None:
            self._worker.stop()

    def set_learning_rate(self, value: float) -> None:
        if self._worker is not None:
            self._worker.control.set_learning_rate(value)

    def set_speed(self, max_steps_per_second: float | None) -> None:
        """Limit the training speed (None: as fast as the machine goes)."""
        self.max_steps_per_second = max_steps_per_second
        if self._worker is not None:
            self._worker.max_steps_per_second = max_steps_per_second

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Stop and wait for the thread to end (reset, open, close). Blocks for one batch."""
        thread = self._thread
        if thread is None:
            return
        self.stop()
        HOLD.release()          # this thread waits now: its event loop ends no turn meanwhile
        if not thread.wait(timeout_ms):
            # A batch longer than the timeout: keep the thread alive until it ends by itself.
            _ORPHANS.add(thread)
            thread.finished.connect(lambda: _ORPHANS.discard(thread))
        self._release()

    def _on_thread_finished(self) -> None:
        """The current run's thread ended (its relay hands this on only while current)."""
        if self._thread is not None and self._thread.isFinished():
            self._release()

    def _release(self) -> None:
        if self._relay is not None:
            self._relay.active = False
        thread, worker = self._thread, self._worker
        self._thread, self._worker, self._relay = None, None, None
        if thread is None:
            return
        if thread not in _ORPHANS and thread.wait(1000):
            # Delete the worker before its thread, now and in this order: left to the garbage
            # collector, a worker could outlive the QThread it belongs to and crash on delete.
            if worker is not None:
                shiboken6.delete(worker)
            shiboken6.delete(thread)
        self._set_state("idle")

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)


class _Relay(QObject):
    """Lives in the GUI thread and forwards one worker's signals while that run is current."""

    def __init__(self, controller: TrainingController, worker: TrainingWorker) -> None:
        super().__init__(controller)
        self.controller, self.active = controller, True
        self.worker = worker
        worker.sent.connect(self.on_sent)
        worker.paused_itself.connect(self.on_paused_itself)
        worker.error.connect(self.on_error)

    @Slot(object)
    def on_sent(self, events: tuple[object, ...]) -> None:
        """One send of the worker, handed on event by event in this one call (so the panels
        repaint once for all of it), the training held meanwhile (:data:`HOLD`)."""
        HOLD.frame()
        for event in events:
            if not self.active:
                return
            if isinstance(event, BatchChunk):
                self.controller.batches.emit(event)
            elif isinstance(event, Finished | Failed):
                self.controller.done.emit(event)
            else:
                self.controller.happened.emit(event)

    @Slot()
    def on_finished(self) -> None:
        if self.active:
            self.controller._on_thread_finished()

    @Slot()
    def on_paused_itself(self) -> None:
        # Unless the GUI resumed (or stepped on) before this signal arrived.
        if self.active and self.worker.paused and self.controller.state == "running":
            self.controller._set_state("paused")

    @Slot(str)
    def on_error(self, text: str) -> None:
        if self.active:
            self.controller.error.emit(text)
