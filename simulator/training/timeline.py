"""A timeline of a run: resumable snapshots every few steps, within a memory budget.

A :class:`Timeline` is an epoch probe, hooked in the way
:class:`~simulator.training.checkpoint.CheckpointProbe` is: ``trainer.epoch_probes["timeline"]
= Timeline(trainer)``. The trainer calls it at every epoch end, in the thread that trains
(however its snapshots are paced); it keeps
a :class:`Frame` (a :class:`~simulator.training.checkpoint.Checkpoint`: the weights and
:meth:`Trainer.state_dict`, optimizer state included) at the first epoch end at least
``every`` steps after the last one. Only epoch ends are kept because they are the one point
where a run resumes bit for bit, so a frame is exactly the run stopped there: scrubbing back to
it (:meth:`Timeline.go_to`) or forking from it (:mod:`simulator.training.fork`) continues as
the run itself would have. The first frame is the run as it stands when the timeline is made
(step 0 for a fresh trainer; call :meth:`Timeline.restart` after loading a saved run into it).

Frames hold no history of their own: each records how long the history was, and the timeline
keeps the longest history once. When the frames outgrow ``budget_bytes`` (the bytes of their
arrays: weights, buffers, optimizer slots) or number more than ``max_frames``, every other
frame between the first and the last is dropped and ``every`` doubles (or becomes the kept
frames' spacing, when epoch ends spaced them further), so the frames keep covering the whole
run evenly; the first and the latest frames are always kept (even when those
two alone exceed the budget). The count matters for small networks: their frames are tiny, and
copying one at every epoch end took 4 % of the spiral lesson's training time (profiled), for
a slider with more positions than it has pixels. The same seed gives the same frames.

Between runs (never while the trainer trains) :meth:`Timeline.go_to` puts the trainer at a
frame, keeping the live run aside, and :meth:`Timeline.go_live` puts the live run back. A run
trained on from a frame replaces the frames after it (the future it had is no longer the run's).
A frame is only kept when an epoch has ended since the frame the trainer stands at, so running
the probes between runs (to redraw a view) or after a stop in the middle of an epoch adds none.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from simulator.checks import integer
from simulator.errors import DataError
from simulator.memory import array_bytes
from simulator.training.checkpoint import Checkpoint, take_checkpoint

if TYPE_CHECKING:
    from simulator.network import Network
    from simulator.training.trainer import Trainer

#: Bytes the frames of one run may take by default.
DEFAULT_BUDGET = 64 * 2**20
#: Frames of one run at most by default: about one per pixel of a wide timeline slider.
DEFAULT_MAX_FRAMES = 512


@dataclass(frozen=True)
class Frame:
    """The run at the end of epoch ``epoch`` (after ``step`` updates), resumable exactly;
    ``checkpoint.state["history"]`` is empty: the history then was the timeline's first
    ``history_length`` values of each metric."""

    checkpoint: Checkpoint
    history_length: int
    nbytes: int

    @property
    def step(self) -> int:
        return self.checkpoint.step

    @property
    def epoch(self) -> int:
        return self.checkpoint.epoch


def frame_bytes(checkpoint: Checkpoint) -> int:
    """Bytes of the arrays a checkpoint holds (weights, buffers, optimizer slots)."""
    return array_bytes(checkpoint.weights) + array_bytes(checkpoint.state)


class Timeline:
    """Frames of ``trainer``'s run every ``every`` steps (at epoch ends) within
    ``budget_bytes`` and ``max_frames``; a probe that answers ``{"frames": n, "step": s}`` when
    it kept a frame, else None."""

    def __init__(self, trainer: Trainer, every: int = 1,
                 budget_bytes: int = DEFAULT_BUDGET,
                 max_frames: int = DEFAULT_MAX_FRAMES) -> None:
        self.trainer = trainer
        self.every = integer(every, "timeline interval (steps)", low=1, error=DataError)
        self.budget_bytes = integer(budget_bytes, "timeline budget (bytes)", low=1,
                                    error=DataError)
        self.max_frames = integer(max_frames, "timeline frames at most", low=3,
                                  error=DataError)
        self._first_every = self.every
        self._lock = threading.Lock()
        self._frames: list[Frame] = []
        self._bytes = 0                       # of the frames, kept as they come and go
        self._history: dict[str, list[float]] = {}
        self._live: Checkpoint | None = None
        self._position: int | None = None
        self.restart()

    # ----- reading (any thread) ------------------------------------------------------------
    @property
    def frames(self) -> tuple[Frame, ...]:
        with self._lock:
            return tuple(self._frames)

    @property
    def steps(self) -> list[int]:
        return [frame.step for frame in self.frames]

    @property
    def nbytes(self) -> int:
        with self._lock:
            return self._bytes

    def __len__(self) -> int:
        with self._lock:
            return len(self._frames)

    @property
    def position(self) -> int | None:
        """The frame the trainer was put at with :meth:`go_to`; None at the live run."""
        return self._position

    @property
    def live_step(self) -> int:
        """The step of the live run (kept aside while the trainer is at a frame)."""
        return self.trainer.step if self._live is None else self._live.step

    def live_checkpoint(self) -> Checkpoint:
        """The live run (also while the trainer is at a frame): what saving a project keeps.
        Only while no thread trains the trainer."""
        return self._live if self._live is not None else take_checkpoint(self.trainer)

    def live_is_last_frame(self) -> bool:
        """Whether the live run is the latest frame itself: not a run stopped in the middle
        of an epoch, nor one whose best weights were put back when it ended."""
        last = self.frames[-1].checkpoint
        if self.live_step != last.step:
            return False
        weights = (self.trainer.network.get_weights() if self._live is None
                   else self._live.weights)
        return weights.keys() == last.weights.keys() and all(
            np.array_equal(weights[k], v) for k, v in last.weights.items())

    def checkpoint(self, index: int) -> Checkpoint:
        """Frame ``index`` as a complete checkpoint (its history included): load its weights
        and state into a trainer of the same design to continue from there exactly."""
        with self._lock:
            if not -len(self._frames) <= index < len(self._frames):
                raise DataError(f"the timeline has {len(self._frames)} frames, "
                                f"there is no frame {index}")
            frame = self._frames[index]
            history = {k: list(v[:frame.history_length]) for k, v in self._history.items()}
        state = dict(frame.checkpoint.state, history=history)
        return replace(frame.checkpoint, state=state)

    def history_at(self, index: int) -> dict[str, list[float]]:
        return self.checkpoint(index).history

    def index_at(self, step: int) -> int:
        """The last frame at or before ``step`` (the first frame for an earlier step)."""
        steps = self.steps
        return max(0, int(np.searchsorted(steps, step, side="right")) - 1)

    # ----- the probe (the training thread) -------------------------------------------------
    def __call__(self, _network: Network) -> dict[str, int] | None:
        trainer = self.trainer
        if trainer.completed_epochs != trainer.epoch:
            return None                       # in the middle of an epoch: not resumable
        with self._lock:
            if self._position is None and trainer.step - self._frames[-1].step < self.every:
                return None    # not due (most epoch ends: looked at first, as it is cheap)
            length = _length(trainer.history)
            here = self._frames[-1 if self._position is None else self._position]
            if length <= here.history_length:
                return None    # no epoch ended since (a probe run between runs, a stop)
            position = self._position
            diverged = position is not None
            if position is not None:          # trained on from a frame: a new future
                self._keep(self._frames[:position + 1])
                self._position, self._live = None, None
                if trainer.step - self._frames[-1].step < self.every:
                    self._history = {k: list(v) for k, v in trainer.history.items()}
                    return None
            self._append(take_checkpoint(trainer, history=False), trainer.history, diverged)
            return {"frames": len(self._frames), "step": trainer.step}

    def restart(self) -> None:
        """Forget every frame and start again from the trainer as it is now (a fresh trainer,
        or one a saved run was just loaded into)."""
        with self._lock:
            self._keep([])
            self._history = {}
            self._live, self._position = None, None
            self.every = self._first_every
            self._append(take_checkpoint(self.trainer, history=False), self.trainer.history,
                         fresh=True)

    def _keep(self, frames: list[Frame]) -> None:
        self._frames = frames
        self._bytes = sum(f.nbytes for f in frames)

    def _append(self, checkpoint: Checkpoint, history: dict[str, list[float]],
                fresh: bool = False) -> None:
        """Keep a frame; ``history`` is the trainer's, which only grew since the last frame
        unless ``fresh`` (then it is copied whole: each epoch copies only what it added)."""
        if fresh:
            self._history = {k: list(v) for k, v in history.items()}
        else:
            for key, values in history.items():
                mine = self._history.setdefault(key, [])
                mine.extend(values[len(mine):])
        length = _length(self._history)
        bare = replace(checkpoint, state=dict(checkpoint.state, history={}))
        frame = Frame(bare, length, frame_bytes(bare))
        self._frames.append(frame)
        self._bytes += frame.nbytes
        self._thin()

    def _thin(self) -> None:
        """Drop every other inner frame (and space new ones twice as far apart) until the
        frames fit the budget and the count, or only the first and the latest are left."""
        while len(self._frames) > 2 and (self._bytes > self.budget_bytes
                                         or len(self._frames) > self.max_frames):
            inner = self._frames[1:-1]
            kept = [self._frames[0], *inner[1::2]]
            self._keep([*kept, self._frames[-1]])
            # The next frames as far apart as the kept ones: at least twice ``every``, and
            # at least their spacing, which epoch ends round up (a tiny network whose epoch
            # is many steps would otherwise copy a frame at every epoch end again, doubling
            # ``every`` thinning after thinning until it passes the epoch's length).
            spacing = min((b.step - a.step for a, b in zip(kept, kept[1:], strict=False)),
                          default=0)
            self.every = max(2 * self.every, spacing)

    # ----- scrubbing (between runs, never while the trainer trains) --------------------------
    def go_to(self, index: int) -> Checkpoint:
        """Put the trainer (weights and state) at frame ``index``; the live run is kept aside
        for :meth:`go_live`. Call it only while no thread trains the trainer."""
        checkpoint = self.checkpoint(index)
        if self._live is None:
            self._live = take_checkpoint(self.trainer)
        load_checkpoint(self.trainer, checkpoint)
        with self._lock:
            self._position = index % len(self._frames)
        return checkpoint

    def go_live(self) -> bool:
        """Put the live run back after :meth:`go_to`; False when it was not away."""
        if self._live is None:
            return False
        load_checkpoint(self.trainer, self._live)
        with self._lock:
            self._live, self._position = None, None
        return True


def _length(history: dict[str, list[float]]) -> int:
    return max((len(v) for v in history.values()), default=0)


def load_checkpoint(trainer: Trainer, checkpoint: Checkpoint) -> None:
    """Put ``trainer`` (built for the checkpoint's design) at ``checkpoint``: its training
    state, then its weights (each checked before it is applied)."""
    trainer.load_state_dict(checkpoint.state)
    trainer.network.set_weights(checkpoint.weights)


__all__ = ["DEFAULT_BUDGET", "DEFAULT_MAX_FRAMES", "Frame", "Timeline", "frame_bytes",
           "load_checkpoint"]
