"""A run trained earlier (a reopened project, a restored autosave), told again as events.

The panels learn what to draw only from training events, so a run whose weights, optimizer
state and history were loaded is shown by handing them the events it would have produced:
``Started``, one ``EpochEnd`` per epoch of the history (the last one with the confusion matrix
measured now), one ``BatchChunk`` with a point per epoch (the batch losses themselves are not
kept in a project), a ``Snapshot`` of the probes run now on the loaded weights (without the
gradient norms, which only a training step measures), and ``Finished``. The probes are
inference only, so this runs in the GUI thread while no worker trains the session.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.training.events import BatchEnd, EpochEnd, Finished, Snapshot, Started
from ui.training.session import TrainingSession
from ui.training.worker import BatchChunk


@dataclass(frozen=True)
class Replay:
    started: Started
    epochs: tuple[EpochEnd, ...]
    chunk: BatchChunk
    snapshot: Snapshot
    finished: Finished


def replay_of(session: TrainingSession) -> Replay | None:
    """The events that redraw ``session``'s loaded run; None when it has not trained."""
    trainer = session.trainer
    history = {k: list(v) for k, v in trainer.history.items()}
    losses = history.get("loss", [])
    n = len(losses)
    if trainer.step == 0 or n == 0:
        return None
    spe = max(1, trainer.steps_per_epoch)
    rates = history.get("learning_rate") or [trainer.learning_rate] * n
    confusion = None
    if trainer.classification:
        x, y = ((session.x_val, session.y_val) if session.x_val is not None
                else (session.x_train, session.y_train))
        confusion = trainer.evaluate(x, y)[2]
    epochs = []
    for i in range(n):
        metrics = {k: v[i] for k, v in history.items() if k != "learning_rate" and i < len(v)}
        epochs.append(EpochEnd(i + 1, metrics, rates[i] if i < len(rates) else rates[-1],
                               confusion if i == n - 1 else None, ()))
    steps = np.minimum(np.arange(1, n + 1) * spe, trainer.step).astype(np.int64)
    steps[-1] = trainer.step
    chunk = BatchChunk(steps, np.asarray(losses, dtype=np.float64),
                       np.asarray(rates[:n], dtype=np.float64),
                       BatchEnd(n, spe, trainer.step, losses[-1], rates[-1]))
    live = trainer.snapshot()
    snapshot = Snapshot(live.epoch, live.step,
                        {k: v for k, v in live.data.items() if k != "gradients"})
    n_val = 0 if session.x_val is None else len(session.x_val)
    started = Started(max(session.spec.training.epochs, n), spe, len(session.x_train), n_val,
                      session.network.param_count, 0, ())
    return Replay(started, tuple(epochs), chunk, snapshot, Finished("restored", n, history))
