"""Scrub a session's run along its timeline, and fork it, for the timeline bar (no view here).

:func:`scrub_to` puts the session's trainer (weights and state) at a frame of its
:class:`~simulator.training.timeline.Timeline`, or back at the live run for the last position,
and returns the :class:`~ui.training.replay.Replay` that redraws every panel as the run stood
there (:func:`redraw`): the history up to that step, and the probes (boundary, histograms,
feature maps) run on the frame's weights. It runs in the GUI thread, so only while no worker
trains the session.

:func:`fork_events` is the work of a fork, for the controller's thread: a trainer that goes on
from a frame with other settings (:mod:`simulator.training.fork`), yielding a
:class:`ForkEpoch` per epoch (the Loss panel draws it beside the parent's curve) and a
:class:`ForkEnded` with the fork's record (:class:`~simulator.training.fork.ForkRun`) at the
end. They are not a run's ``EpochEnd``/``Finished``, so the panels that draw the parent run
(and the progress bar) go on showing it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.training.events import EpochEnd, Failed, Finished, Snapshot, TrainerControl
from simulator.training.fork import ForkRun, ForkSettings, fork_trainer
from ui.training.replay import Replay, replay_of
from ui.training.session import TrainingSession


def positions(session: TrainingSession | None, training: bool = False) -> int:
    """Positions of the scrubber: one per frame, plus one for the live run when it is not the
    last frame itself (a run stopped in the middle of an epoch, or one whose best weights were
    put back, or one ``training`` now: its weights are not read then); 0 when there is nothing
    to scrub (no run yet)."""
    timeline = None if session is None else session.timeline
    if timeline is None or timeline.live_step == 0:
        return 0
    return len(timeline) + (1 if training or not timeline.live_is_last_frame() else 0)


def position_step(session: TrainingSession, position: int) -> int:
    """The training step shown at scrubber ``position``."""
    timeline = session.timeline
    assert timeline is not None
    return timeline.frames[position].step if position < len(timeline) else timeline.live_step


def scrub_to(session: TrainingSession, position: int) -> Replay | None:
    """Put the session at scrubber ``position`` (the last one is the live run) and return the
    replay that draws it; None at step 0 (nothing trained yet: the panels start empty)."""
    timeline = session.timeline
    if timeline is not None:
        if position >= positions(session) - 1:
            timeline.go_live()
        else:
            timeline.go_to(position)
    return replay_of(session)


def redraw(panels: Sequence[Any], session: TrainingSession, replay: Replay | None) -> None:
    """Draw ``session`` as it stands in ``panels`` (``reset`` / ``restore`` /
    ``on_event``): from the replay, or at step 0 (no replay) from the untrained network's
    probes alone, so a boundary shows where the run started."""
    snapshot = None
    if replay is None:
        live = session.trainer.snapshot()
        snapshot = Snapshot(live.epoch, live.step,
                            {k: v for k, v in live.data.items() if k != "gradients"})
    for panel in panels:
        panel.reset(session)
        if replay is not None:
            panel.restore(replay)
        else:
            panel.on_event(snapshot)


@dataclass(frozen=True)
class ForkEpoch:
    """One epoch of a fork: its number, its step and the metrics (the run's own EpochEnd)."""

    fork: int
    epoch: int
    step: int
    steps_per_epoch: int
    metrics: dict[str, float]


@dataclass(frozen=True)
class ForkEnded:
    """The fork's run ended (``reason``: "completed", "stopped", or a Failed message)."""

    fork: int
    record: ForkRun
    reason: str


def fork_events(session: TrainingSession, frame: int, settings: ForkSettings, number: int,
                epochs: int | None = None) -> tuple[Iterator[object], TrainerControl]:
    """Build the fork of ``session``'s run at timeline ``frame`` now (a SpecError says what
    does not fit, before anything runs) and return its events for the controller's thread,
    with the control that stops it. ``number`` names the fork in its events. It trains to
    the design's epoch count (``epochs`` more when given)."""
    timeline = session.timeline
    if timeline is None:
        raise ValueError("this session keeps no timeline to fork from")
    checkpoint = timeline.checkpoint(frame)
    trainer = fork_trainer(session.trainer, checkpoint, settings)
    spe = max(1, trainer.steps_per_epoch)

    def events() -> Iterator[object]:
        reason = "completed"
        for event in trainer.run(epochs):
            if isinstance(event, EpochEnd):
                yield ForkEpoch(number, event.epoch, trainer.step, spe, dict(event.metrics))
            elif isinstance(event, Finished):
                reason = event.reason
            elif isinstance(event, Failed):
                reason = event.message
        yield ForkEnded(number, ForkRun.of(checkpoint, settings, trainer), reason)

    return events(), trainer.control


__all__ = ["ForkEnded", "ForkEpoch", "fork_events", "position_step", "positions", "redraw",
           "scrub_to"]
