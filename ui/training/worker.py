"""Run an engine event generator in a QThread and relay its events as signals.

The generator is a :meth:`simulator.training.trainer.Trainer.run` or any experiment that yields
the batches of the networks it trains (``simulator.experiments.tuning.search_steps``,
``bagging_steps``...). The worker pulls its events. Per-batch events are coalesced and sent at
most ``emit_hz`` times a second as NumPy arrays; ``Finished``/``Failed`` go to ``done`` and
every other event (epoch ends, snapshots, trials, folds, ensemble members) to ``event``, as they
come. Pausing simply stops pulling (the generator checks nothing); stopping goes through the
:class:`TrainerControl` the generator's trainers read, so it is honoured within one batch. A
step (:meth:`TrainingWorker.pause_after`) runs on to the end of the next batch or epoch and
pauses itself there; other work on the same trainer (a step-through of one sample) is
interjected between events (:meth:`TrainingWorker.interject`) and runs in this thread too.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot
from threadpoolctl import threadpool_limits

from simulator.training.trainer import (
    BatchEnd,
    EpochEnd,
    Failed,
    Finished,
    Snapshot,
    TrainerControl,
)


@dataclass(frozen=True)
class BatchChunk:
    """Batch losses since the last chunk: steps, losses, learning rates, and the last batch."""

    steps: np.ndarray
    losses: np.ndarray
    learning_rates: np.ndarray
    last: BatchEnd


class TrainingWorker(QObject):
    batches = Signal(object)   # BatchChunk
    event = Signal(object)     # Started | EpochEnd | Snapshot, or an experiment's results
    done = Signal(object)      # Finished | Failed
    error = Signal(str)        # an unexpected exception (a bug), with its traceback
    stopped_running = Signal()
    paused_itself = Signal()   # a step ended (see pause_after) and the worker now waits

    def __init__(self, events: Iterator[Any], control: TrainerControl,
                 emit_hz: float = 30.0) -> None:
        super().__init__()
        self.events, self.control = events, control
        self._interval = 1.0 / emit_hz
        self._resume = threading.Event()
        self._resume.set()
        self._stepping = _Stepping()
        self._buffer: list[BatchEnd] = []
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
        last_emit = 0.0
        next_step_at = time.monotonic()
        # One BLAS thread while training in the app: the GUI thread needs the other core, and
        # a two-thread BLAS stalls whenever anything else runs (see benchmarks/README.md).
        limits = threadpool_limits(limits=1, user_api="blas")
        try:
            for event in self.events:
                if isinstance(event, BatchEnd):
                    self._buffer.append(event)
                    now = time.monotonic()
                    rate = self.max_steps_per_second
                    if rate:
                        next_step_at = max(next_step_at + 1.0 / rate, now - 0.1)
                        if next_step_at > now:
                            time.sleep(next_step_at - now)
                            now = time.monotonic()
                    if now - last_emit >= self._interval:
                        last_emit = now
                        self._flush()
                else:
                    self._flush()
                    if isinstance(event, Finished | Failed):
                        self.done.emit(event)
                    else:
                        self.event.emit(event)
                if self._stepping.ends_at(event):
                    self._resume.clear()
                    self._flush()
                    self.paused_itself.emit()
                self._between_events()
            self._run_interjected()     # the run is over: what was interjected still runs
            for events in self._stepping.close():
                self._relay_all(events)
        except Exception:  # relayed to the GUI, which shows it
            self._flush()
            self.error.emit(traceback.format_exc())
        finally:
            limits.restore_original_limits()
            self.stopped_running.emit()

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
        while (events := self._stepping.take()) is not None:
            self._relay_all(events)

    def _relay_all(self, events: Iterator[Any]) -> None:
        for event in events:
            self._flush()
            self.event.emit(event)

    def _flush(self) -> None:
        if not self._buffer:
            return
        chunk = BatchChunk(
            np.array([e.step for e in self._buffer], dtype=np.int64),
            np.array([e.loss for e in self._buffer], dtype=np.float64),
            np.array([e.learning_rate for e in self._buffer], dtype=np.float64),
            self._buffer[-1],
        )
        self._buffer = []
        self.batches.emit(chunk)


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
        if until == "batch" and snapshot_follows:
            control.request_snapshot()
        self.until = until

    def ends_at(self, event: Any) -> bool:
        """Whether the step in progress ends with ``event`` (then no step is in progress)."""
        if self.until is None:
            return False
        target = BatchEnd if self.until == "batch" else EpochEnd
        if isinstance(event, target):
            self.target_seen = True
            if not self.snapshot_follows:
                self.until = None
                return True
        elif self.target_seen and isinstance(event, Snapshot):
            self.until = None
            return True
        return False
