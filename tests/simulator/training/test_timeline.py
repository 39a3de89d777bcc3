"""The timeline keeps resumable frames every few steps within a budget, thinned evenly."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.errors import DataError
from simulator.training.timeline import Timeline
from tests.simulator.training.test_trainer import DROPOUT, RESUME, make_trainer, run


def _timed(every: int = 1, budget: int = 2**30, max_frames: int = 10_000,
           **training: object) -> tuple[Timeline, object]:
    trainer = make_trainer({**RESUME, **training}, layers=DROPOUT, snapshot_interval=0.0)
    timeline = Timeline(trainer, every=every, budget_bytes=budget, max_frames=max_frames)
    trainer.epoch_probes["timeline"] = timeline
    return timeline, trainer


def _same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_frames_come_at_epoch_ends_from_step_zero() -> None:
    timeline, trainer = _timed()
    fresh = trainer.network.get_weights()
    run(trainer)
    spe = trainer.steps_per_epoch
    assert timeline.steps == [e * spe for e in range(RESUME["epochs"] + 1)]
    assert [f.epoch for f in timeline.frames] == list(range(RESUME["epochs"] + 1))
    assert _same(timeline.checkpoint(0).weights, fresh)
    assert [f.history_length for f in timeline.frames] == list(range(RESUME["epochs"] + 1))
    assert timeline.history_at(-1) == trainer.history


@pytest.mark.parametrize("epochs", [1, 2, 4])
def test_the_frame_at_step_k_is_the_run_stopped_at_step_k(epochs: int) -> None:
    timeline, trainer = _timed()
    run(trainer)
    stopped = make_trainer(RESUME, layers=DROPOUT)
    run(stopped, epochs=epochs)
    index = timeline.index_at(stopped.step)
    assert timeline.frames[index].step == stopped.step
    checkpoint = timeline.checkpoint(index)
    assert _same(checkpoint.weights, stopped.network.get_weights())
    assert checkpoint.history == stopped.history
    timeline.go_to(index)                       # the trainer itself, put at that frame
    assert _same(trainer.network.get_weights(), stopped.network.get_weights())
    assert (trainer.step, trainer.epoch, trainer.history) == (stopped.step, stopped.epoch,
                                                              stopped.history)


def test_going_live_again_gives_back_the_run_and_training_on_replaces_the_future() -> None:
    timeline, trainer = _timed()
    run(trainer)
    live, steps = trainer.network.get_weights(), timeline.steps
    timeline.go_to(2)
    assert timeline.position == 2
    assert timeline.go_live()
    assert timeline.position is None
    assert _same(trainer.network.get_weights(), live)
    assert trainer.step == steps[-1]
    assert not timeline.go_live()
    timeline.go_to(2)
    run(trainer)                   # trains on from frame 2: the same seed, the same future
    assert timeline.steps == steps
    assert _same(trainer.network.get_weights(), live)
    assert timeline.position is None


def test_every_k_steps_rounds_up_to_the_next_epoch_end() -> None:
    timeline, trainer = _timed(every=2 * 5 + 1)     # 5 steps an epoch: every third epoch
    run(trainer)
    spe = trainer.steps_per_epoch
    assert spe == 5
    assert timeline.steps == [0, 3 * spe, 6 * spe]


def test_thinning_keeps_the_budget_the_first_and_the_latest() -> None:
    full, trainer = _timed(epochs=12)
    run(trainer)
    size = full.frames[0].nbytes
    budget = 5 * size
    thin, thinned = _timed(epochs=12, budget=budget)
    run(thinned)
    assert len(full) == 13
    assert thin.nbytes <= budget
    assert thin.steps[0] == 0
    assert thin.steps[-1] == full.steps[-1]
    assert set(thin.steps) <= set(full.steps)
    assert len(thin) >= 3                       # inner frames kept, spread over the run
    gaps = np.diff(thin.steps[:-1])
    assert gaps.max() <= 2 * gaps.min()
    for index, step in enumerate(thin.steps):   # each kept frame is still the run at that step
        assert _same(thin.checkpoint(index).weights,
                     full.checkpoint(full.steps.index(step)).weights)


def test_the_frame_count_is_bounded_and_few_frames_are_ever_taken(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A tiny network's frames fit any byte budget: the count bounds them too, thinned as the
    bytes are, and frames are copied only where they will be kept (not at every epoch end)."""
    import simulator.training.timeline as timeline_module

    copies = []
    take = timeline_module.take_checkpoint
    monkeypatch.setattr(timeline_module, "take_checkpoint",
                        lambda *a, **k: copies.append(1) or take(*a, **k))
    full, trainer = _timed(epochs=40)
    run(trainer)
    copies.clear()
    few, trainer = _timed(epochs=40, max_frames=5)
    run(trainer)
    assert len(full) == 41
    assert len(few) <= 5
    assert few.steps[0] == 0
    assert 0 <= full.steps[-1] - few.steps[-1] < few.every     # the latest: the next is due
    gaps = np.diff(few.steps[:-1])
    assert gaps.max() <= 2 * gaps.min()
    assert len(copies) < 20                     # not one at each of the 40 epoch ends
    for index, step in enumerate(few.steps):
        assert _same(few.checkpoint(index).weights,
                     full.checkpoint(full.steps.index(step)).weights)


def test_a_long_run_copies_about_half_the_frames_per_doubling_of_its_length(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Once thinned, new frames come as far apart as the kept ones, even where an epoch is
    several steps and ``every`` is still smaller (the spiral lesson's 20 steps an epoch once
    copied a frame at every epoch end for its first 1,800 epochs)."""
    import simulator.training.timeline as timeline_module

    copies = []
    take = timeline_module.take_checkpoint
    monkeypatch.setattr(timeline_module, "take_checkpoint",
                        lambda *a, **k: copies.append(1) or take(*a, **k))
    most = 8
    timeline, trainer = _timed(epochs=200, max_frames=most)
    run(trainer)
    spe = trainer.steps_per_epoch
    assert spe > 1
    gaps = np.diff(timeline.steps[:-1])
    assert gaps.min() == gaps.max()                   # evenly spread, the latest aside
    doublings = math.ceil(math.log2(trainer.step / (most * spe))) + 1
    assert len(copies) <= most + most // 2 * doublings


def test_a_budget_too_small_for_two_frames_still_keeps_the_first_and_the_latest() -> None:
    timeline, trainer = _timed(budget=1)
    run(trainer)
    assert timeline.steps == [0, trainer.step]


def test_the_same_seed_gives_the_same_frames() -> None:
    runs = []
    for _ in range(2):
        timeline, trainer = _timed(budget=3000, epochs=9)
        run(trainer)
        runs.append(timeline)
    a, b = runs
    assert a.steps == b.steps
    for i in range(len(a)):
        assert _same(a.checkpoint(i).weights, b.checkpoint(i).weights)
        assert a.checkpoint(i).history == b.checkpoint(i).history


def test_restart_starts_from_a_loaded_run_and_bad_arguments_are_refused() -> None:
    timeline, trainer = _timed()
    run(trainer, epochs=2)
    timeline.restart()
    assert timeline.steps == [trainer.step]
    with pytest.raises(DataError, match="no frame 5"):
        timeline.checkpoint(5)
    with pytest.raises(DataError, match="interval"):
        Timeline(trainer, every=0)
    with pytest.raises(DataError, match="budget"):
        Timeline(trainer, budget_bytes=0)
    with pytest.raises(DataError, match="frames at most"):
        Timeline(trainer, max_frames=2)


def test_probing_between_runs_adds_no_frame_and_keeps_the_future() -> None:
    timeline, trainer = _timed()
    run(trainer, epochs=3)
    steps = timeline.steps
    trainer.snapshot()                      # e.g. a view redrawn after the run
    assert timeline.steps == steps
    timeline.go_to(1)
    trainer.snapshot()                      # the view redrawn at frame 1
    assert timeline.steps == steps
    assert timeline.position == 1
    timeline.go_live()
    trainer.control.stop()
    for event in trainer.run():             # stopped within the first batch of epoch 4
        del event
    trainer.snapshot()
    assert timeline.steps == steps


def test_the_live_run_is_the_last_frame_unless_stopped_in_an_epoch() -> None:
    timeline, trainer = _timed(early_stopping=None)
    run(trainer, epochs=2)
    assert timeline.live_is_last_frame()
    assert timeline.live_step == trainer.step
    timeline.go_to(0)
    assert timeline.live_is_last_frame()
    assert timeline.live_step == timeline.frames[-1].step
    timeline.go_live()
    events = trainer.run()
    for event in events:
        if type(event).__name__ == "BatchEnd":
            break                            # one batch into epoch 3, then stopped
    trainer.control.stop()
    for event in events:
        del event
    assert trainer.step == timeline.frames[-1].step + 1
    assert not timeline.live_is_last_frame()


def test_a_paced_run_still_keeps_a_frame_at_every_epoch_end() -> None:
    """In the app the snapshots come at a live view's pace, rarely at an epoch end; the
    timeline is an epoch probe, so it is called at every one regardless."""
    from simulator.training.probes import paced_run

    timeline, trainer = _timed()
    trainer.probes["weights"] = lambda _net: {}
    list(paced_run(trainer, interval=3600.0))
    spe = trainer.steps_per_epoch
    assert timeline.steps == [e * spe for e in range(RESUME["epochs"] + 1)]
