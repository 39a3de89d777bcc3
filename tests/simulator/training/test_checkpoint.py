"""Checkpoints on request, taken in the training loop at an epoch end, resume bit for bit."""

from __future__ import annotations

import numpy as np

from simulator.training.checkpoint import Checkpoint, CheckpointProbe
from simulator.training.probes import paced_run
from simulator.training.trainer import EpochEnd, Kept
from tests.simulator.training.test_trainer import DROPOUT, RESUME, make_trainer, run


def test_no_checkpoint_unless_requested() -> None:
    trainer = make_trainer(RESUME, layers=DROPOUT)
    trainer.epoch_probes["checkpoint"] = CheckpointProbe(trainer)
    assert not [e for e in trainer.run() if isinstance(e, Kept)]


def test_a_requested_checkpoint_comes_at_the_next_epoch_end_and_resumes_exactly() -> None:
    straight = make_trainer(RESUME, layers=DROPOUT)
    run(straight)
    # Paced as in the app, with snapshots so rare that none falls on an epoch end: the
    # checkpoint still comes at the epoch end.
    trainer = make_trainer(RESUME, layers=DROPOUT, snapshot_interval=0.0)
    trainer.probes["weights"] = lambda _net: {}
    probe = CheckpointProbe(trainer)
    trainer.epoch_probes["checkpoint"] = probe
    taken: list[Checkpoint] = []
    epoch_ends = 0
    for event in paced_run(trainer, interval=3600.0):
        if isinstance(event, EpochEnd):
            epoch_ends += 1
            if epoch_ends == 1:
                probe.request()              # asked after epoch 1: answered at epoch 2's end
        if isinstance(event, Kept):
            taken.append(event.data["checkpoint"])
    assert [c.epoch for c in taken] == [2]
    checkpoint = taken[0]
    assert checkpoint.step == 2 * trainer.steps_per_epoch
    assert len(checkpoint.history["loss"]) == 2
    resumed = make_trainer(RESUME, layers=DROPOUT)
    resumed.network.set_weights(checkpoint.weights)
    resumed.load_state_dict(checkpoint.state)
    run(resumed)
    assert np.array_equal(resumed.network.flat_params, straight.network.flat_params)
    assert resumed.history == straight.history


def test_a_checkpoint_is_a_copy() -> None:
    trainer = make_trainer(RESUME, layers=DROPOUT, snapshot_interval=0.0)
    probe = CheckpointProbe(trainer)
    trainer.epoch_probes["checkpoint"] = probe
    probe.request()
    events = trainer.run()
    checkpoint = None
    for event in events:
        if isinstance(event, Kept):
            checkpoint = event.data["checkpoint"]
            break
    assert checkpoint is not None
    before = {k: v.copy() for k, v in checkpoint.weights.items()}
    slots = {k: v.copy() for k, v in checkpoint.state["optimizer"]["slots"].items()}
    list(events)                                          # train on
    for key, value in before.items():
        assert np.array_equal(checkpoint.weights[key], value)
    for key, value in slots.items():
        assert np.array_equal(checkpoint.state["optimizer"]["slots"][key], value)
    assert not np.array_equal(trainer.network.get_weights()["h.W"], before["h.W"])
