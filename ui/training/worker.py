"""Run an engine event generator in a QThread and relay its events as signals, coalesced.

The generator is a :meth:`simulator.training.trainer.Trainer.run` (in the app, paced by
:func:`simulator.training.probes.paced_run`) or any experiment that yields the batches of the
networks it trains (``simulator.experiments.tuning.search_steps``, ``bagging_steps``...). The
worker pulls its events and sends them at most ``emit_hz`` times a second (by default as
often as a panel redraws, :data:`ui.training.pacing.FRAME_RATE`; fewer while the
interface thread is too busy: divided by :data:`ui.training.pacing.PACE`'s stretch, as the
panels' redraws are), however fast they come (:class:`Coalescer`): the batch losses since the
last send as one :class:`BatchChunk`, the epoch ends as one :class:`EpochEnds` (an
``EpochEnd`` for the newest epoch that also carries the earlier ones), and only the newest
``Snapshot`` (an older one would be drawn over at once). ``Started``, ``Finished``/``Failed``
and every other event (an experiment's trials, folds, ensemble members) are sent as they come,
after what was waiting. A send is one signal, ``sent``, holding its events in order: the
interface thread handles them in one go and repaints once. Pausing simply stops pulling (the
generator checks nothing); stopping goes through the :class:`TrainerControl` the generator's
trainers read, so it is honoured within one batch. A step (:meth:`TrainingWorker.pause_after`)
runs on to the end of the next batch or epoch and pauses itself there; other work on the same
trainer (a step-through of one sample) is interjected between events
(:meth:`TrainingWorker.interject`) and runs in this thread too.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot
from threadpoolctl import threadpool_limits

from simulator.training.trainer import (
    BatchEnd,
    EpochEnd,
    Kept,
    Snapshot,
    TrainerControl,
)
from ui.training.pacing import FRAME_RATE, HOLD, PACE, RedrawPace, TrainingHold


def one_blas_thread() -> None:
    """One BLAS thread from now on, in the whole process (BLAS settings are process-wide): the
    GUI thread needs the other core, and a two-thread BLAS stalls whenever anything else runs
    (see benchmarks/README.md). Called in the GUI thread as every run starts
    (:meth:`ui.training.controller.TrainingController.start_events`), so that a BLAS loaded
    since (the copy of OpenBLAS that comes with scikit-learn) is limited too. Never lifted:
    lifting it at the end of each run, as ``threadpool_limits`` does, left the later runs of
    the app with two threads, the limit set again in the worker thread having no effect (seen
    in the UI benchmark after a lesson that loads scikit-learn; not reproduced outside the
    app)."""
    threadpool_limits(limits=1, user_api="blas")


@dataclass(frozen=True)
class BatchChunk:
    """Batch losses since the last chunk: steps, losses, learning rates, and the last batch."""

    steps: np.ndarray
    losses: np.ndarray
    learning_rates: np.ndarray
    last: BatchEnd


@dataclass(frozen=True)
class EpochEnds(EpochEnd):
    """The epoch ends since the last send: it *is* the newest one (its fields are the newest
    epoch's), and ``all`` holds every one of them in order, the newest last."""

    all: tuple[EpochEnd, ...] = field(default=())

    @classmethod
    def of(cls, events: list[EpochEnd]) -> EpochEnds:
        last = events[-1]
        return cls(last.epoch, last.metrics, last.learning_rate, last.confusion, last.notes,
                   tuple(events))


def epoch_ends(event: EpochEnd) -> tuple[EpochEnd, ...]:
    """Every epoch end an ``EpochEnd`` stands for: the coalesced ones of :class:`EpochEnds`,
    or the event itself."""
    return event.all if isinstance(event, EpochEnds) else (event,)


class Coalescer:
    """The events gathered between two sends: every batch and epoch end, the newest snapshot,
    and what the epoch probes kept (the newest of each kind: one ``Kept``)."""

    def __init__(self) -> None:
        self._batches: list[BatchEnd] = []
        self._epochs: list[EpochEnd] = []
        self._snapshot: Snapshot | None = None
        self._kept: Kept | None = None

    def add(self, event: Any) -> bool:
        """Gather ``event`` if it is a batch end, an epoch end or a snapshot (True); any other
        event is to be sent as it comes, after what :meth:`take` gives (False)."""
        if isinstance(event, BatchEnd):
            self._batches.append(event)
        elif isinstance(event, EpochEnd):
            self._epochs.append(event)
        elif isinstance(event, Snapshot):
            self._snapshot = event
        elif isinstance(event, Kept):
            older = {} if self._kept is None else self._kept.data
            self._kept = Kept(event.epoch, event.step, {**older, **event.data})
        else:
            return False
        return True

    def take(self) -> list[Any]:
        """What is waiting, in the order to send it: a :class:`BatchChunk`, an
        :class:`EpochEnds`, a ``Kept``, the newest ``Snapshot`` (each only if any); then
        empty."""
        sent: list[Any] = []
        if self._batches:
            buffer, self._batches = self._batches, []
            sent.append(BatchChunk(np.array([e.step for e in buffer], dtype=np.int64),
                                   np.array([e.loss for e in buffer], dtype=np.float64),
                                   np.array([e.learning_rate for e in buffer], dtype=np.float64),
                                   buffer[-1]))
        if self._epochs:
            epochs, self._epochs = self._epochs, []
            sent.append(EpochEnds.of(epochs))
        if self._kept is not None:
            sent.append(self._kept)
            self._kept = None
        if self._snapshot is not None:
            sent.append(self._snapshot)
            self._snapshot = None
        return sent


class TrainingWorker(QObject):
    #: A tuple of events, in order: BatchChunk, EpochEnds, Snapshot, Started, Finished | Failed,
    #: or an experiment's results.
    sent = Signal(object)
    error = Signal(str)        # an unexpected exception (a bug), with its traceback
    stopped_running = Signal()
    paused_itself = Signal()   # a step ended (see pause_after) and the worker now waits

    def __init__(self, events: Iterator[Any], control: TrainerControl,
                 emit_hz: float = FRAME_RATE, pace: RedrawPace = PACE,
                 hold: TrainingHold = HOLD) -> None:
        super().__init__()
        self.events, self.control = events, control
        self._interval = 1.0 / emit_hz
        self._pace, self._hold = pace, hold
        self._resume = threading.Event()
        self._resume.set()
        self._stepping = _Stepping()
        self._waiting = Coalescer()
        #: Upper bound on training steps per second so a class can watch (None: full speed).
        self.max_steps_per_second: float | None = None

    # Called from the GUI thread.
    def pause(self) -> None:
        self._resume.clear()

    def resume(self) -> None:
        self._resume.set()
        self._stepping.wake.set()

    def stop(self) -> None:
        self.control.stop()
        self._resume.set()
        self._stepping.wake.set()

    def pause_after(self, until: str, snapshot_follows: bool) -> None:
        """Run on, then pause after the next ``"batch"`` or at the end of the ``"epoch"``
        (after the Snapshot that follows it, when the trainer has probes)."""
        self._stepping.begin(until, snapshot_follows, self.control)
        self.resume()

    def interject(self, events: Iterator[Any]) -> bool:
        """Have the worker thread pull ``events`` (a short piece of work on the same trainer,
        such as a step-through) before its next event, paused or not, relaying them as
        usual. False when the worker has finished and takes no more work."""
        return self._stepping.add(events)

    @property
    def paused(self) -> bool:
        return not self._resume.is_set()

    # Runs in the worker thread.
    @Slot()
    def run(self) -> None:
        try:
            self._pull()
            self._run_interjected()     # the run is over: what was interjected still runs
            for events in self._stepping.close():
                self._relay_all(events)
            self._flush()               # what the last events left waiting
        except Exception:  # relayed to the GUI, which shows it
            self._flush()
            self.error.emit(traceback.format_exc())
        finally:
            self.stopped_running.emit()

    def _pull(self) -> None:
        last_emit = 0.0
        next_step_at = time.monotonic()
        waiting, stepping, resume = self._waiting, self._stepping, self._resume
        interface_free, hold = self._hold.is_free, self._hold
        # This loop runs for every batch (10,000 a second for a small network): what it does
        # between two events is kept to a few attribute reads when nothing asks for more.
        for event in self.events:
            if not interface_free():
                hold.wait()            # the interface is drawing: its turn at the interpreter
            now = time.monotonic()
            rate = self.max_steps_per_second
            if rate and isinstance(event, BatchEnd):
                next_step_at = max(next_step_at + 1.0 / rate, now - 0.1)
                if next_step_at > now:
                    time.sleep(next_step_at - now)
                    now = time.monotonic()
            if not waiting.add(event):
                self._flush(event)
                last_emit = now
            if now - last_emit >= self._interval * self._pace.stretch:
                last_emit = now
                self._flush()
            if stepping.until is not None and stepping.ends_at(event):
                resume.clear()
                self._flush()
                self.paused_itself.emit()
            if stepping.interjected or not resume.is_set():
                self._between_events()

    def _between_events(self) -> None:
        """Pull interjected work, then wait here while paused (woken by resume, stop or more
        interjected work)."""
        stepping = self._stepping
        while True:
            self._run_interjected()
            if self._resume.is_set():
                return
            self._flush()
            stepping.wake.wait()
            stepping.wake.clear()

    def _run_interjected(self) -> None:
        # A look without the lock first: this runs between every two events.
        while self._stepping.interjected and (events := self._stepping.take()) is not None:
            self._relay_all(events)

    def _relay_all(self, events: Iterator[Any]) -> None:
        for event in events:
            self._flush(event)

    def _flush(self, *then: Any) -> None:
        """Send what is waiting (the batches, the epoch ends, the newest snapshot), then
        ``then``, as one signal."""
        events = (*self._waiting.take(), *then)
        if events:
            self.sent.emit(events)


class _Stepping:
    """Where a step ends, and the work interjected between events (shared by the GUI thread,
    which sets them, and the worker thread, which acts on them)."""

    def __init__(self) -> None:
        self.until: str | None = None
        self.snapshot_follows = False
        self.target_seen = False
        self.interjected: deque[Iterator[Any]] = deque()
        self.wake = threading.Event()
        self._lock = threading.Lock()
        self._closed = False
        self.control: TrainerControl | None = None

    def add(self, events: Iterator[Any]) -> bool:
        with self._lock:
            if self._closed:
                return False
            self.interjected.append(events)
        self.wake.set()
        return True

    def take(self) -> Iterator[Any] | None:
        with self._lock:
            return self.interjected.popleft() if self.interjected else None

    def close(self) -> list[Iterator[Any]]:
        """Take no more work; what is left is returned (the worker runs it last)."""
        with self._lock:
            self._closed = True
            rest = list(self.interjected)
            self.interjected.clear()
        return rest

    def begin(self, until: str, snapshot_follows: bool, control: TrainerControl) -> None:
        if until not in ("batch", "epoch"):
            raise ValueError(f"a step runs until the next 'batch' or 'epoch', not {until!r}")
        self.target_seen, self.snapshot_follows = False, snapshot_follows
        self.control = control
        self.until = until

    def ends_at(self, event: Any) -> bool:
        """Whether the step in progress ends with ``event`` (then no step is in progress)."""
        if self.until is None:
            return False
        target = BatchEnd if self.until == "batch" else EpochEnd
        if isinstance(event, target):
            self.target_seen = True
            if self.snapshot_follows:
                if self.control is not None:
                    # Asked for now: the snapshot is taken right after this event (the
                    # trainer's own, or paced_run's, which otherwise waits for its turn).
                    self.control.request_snapshot()
            else:
                self.until = None
                return True
        elif self.target_seen and isinstance(event, Snapshot):
            self.until = None
            return True
        return False
