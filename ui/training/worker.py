"""Run an engine event generator in a QThread and relay its events as signals.

The generator is a :meth:`simulator.training.trainer.Trainer.run` or any experiment that yields
the batches of the networks it trains (``simulator.experiments.tuning.search_steps``,
``bagging_steps``...). The worker pulls its events. Per-batch events are coalesced and sent at
most ``emit_hz`` times a second as NumPy arrays; ``Finished``/``Failed`` go to ``done`` and
every other event (epoch ends, snapshots, trials, folds, ensemble members) to ``event``, as they
come. Pausing simply stops pulling (the generator checks nothing); stopping goes through the
:class:`TrainerControl` the generator's trainers read, so it is honoured within one batch.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot
from threadpoolctl import threadpool_limits

from simulator.training.trainer import BatchEnd, Failed, Finished, TrainerControl


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

    def __init__(self, events: Iterator[Any], control: TrainerControl,
                 emit_hz: float = 30.0) -> None:
        super().__init__()
        self.events, self.control = events, control
        self._interval = 1.0 / emit_hz
        self._resume = threading.Event()
        self._resume.set()
        self._buffer: list[BatchEnd] = []
        #: Upper bound on training steps per second so a class can watch (None: full speed).
        self.max_steps_per_second: float | None = None

    # Called from the GUI thread.
    def pause(self) -> None:
        self._resume.clear()

    def resume(self) -> None:
        self._resume.set()

    def stop(self) -> None:
        self.control.stop()
        self._resume.set()

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
                if not self._resume.is_set():
                    self._flush()
                    self._resume.wait()
        except Exception:  # relayed to the GUI, which shows it
            self._flush()
            self.error.emit(traceback.format_exc())
        finally:
            limits.restore_original_limits()
            self.stopped_running.emit()

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
