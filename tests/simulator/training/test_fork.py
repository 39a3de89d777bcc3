"""A fork continues a run from a timeline frame: unchanged it is the run itself, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.errors import ModelFileError, SpecError
from simulator.training.fork import ForkSettings, fork_trainer
from simulator.training.timeline import Timeline
from tests.simulator.training.test_trainer import DROPOUT, HIDDEN, RESUME, make_trainer, run


def _original(layers: list | None = None) -> tuple[Timeline, object]:
    trainer = make_trainer(RESUME, layers=layers or DROPOUT, snapshot_interval=0.0)
    timeline = Timeline(trainer)
    trainer.epoch_probes["timeline"] = timeline
    run(trainer)
    return timeline, trainer


def _weights_equal(a: object, b: object) -> bool:
    wa, wb = a.network.get_weights(), b.network.get_weights()
    return wa.keys() == wb.keys() and all(np.array_equal(wa[k], wb[k]) for k in wa)


@pytest.mark.parametrize("index", [0, 2, 5])
def test_an_unchanged_fork_reproduces_the_run_bit_for_bit(index: int) -> None:
    timeline, original = _original()
    fork = fork_trainer(original, timeline.checkpoint(index), ForkSettings())
    assert fork.network is not original.network
    run(fork)
    assert _weights_equal(fork, original)
    assert fork.history == original.history
    assert fork.step == original.step


def test_a_changed_learning_rate_gives_another_run_from_the_same_start() -> None:
    timeline, original = _original()
    checkpoint = timeline.checkpoint(2)
    fork = fork_trainer(original, checkpoint, ForkSettings(learning_rate=0.002))
    assert fork.base_learning_rate == 0.002
    assert fork.history == checkpoint.history           # the past is the run's
    assert fork.optimizer.state_dict()["iterations"] == checkpoint.state["optimizer"][
        "iterations"]                                    # Adam's state kept
    run(fork)
    assert not _weights_equal(fork, original)
    assert fork.history["loss"][:2] == original.history["loss"][:2]
    assert fork.history["loss"][2:] != original.history["loss"][2:]


def test_a_changed_optimizer_starts_its_state_fresh() -> None:
    timeline, original = _original()
    fork = fork_trainer(original, timeline.checkpoint(3), ForkSettings(optimizer="sgd"))
    assert fork.optimizer.state_dict()["type"] == "sgd"
    assert fork.optimizer.state_dict()["iterations"] == 0
    assert fork.base_learning_rate == RESUME["optimizer"]["learning_rate"]
    assert fork.step == timeline.frames[3].step
    run(fork)
    assert not _weights_equal(fork, original)


def test_l2_and_dropout_change_the_design_of_the_fork_only() -> None:
    timeline, original = _original()
    fork = fork_trainer(original, timeline.checkpoint(1), ForkSettings(l2=0.01, dropout=0.1))
    assert fork.config.regularizer == {"l2": 0.01}
    assert fork.network.spec.layers[1].config["rate"] == 0.1
    assert original.network.spec.layers[1].config["rate"] == 0.3
    run(fork)
    assert "penalty" in fork.history
    off = ForkSettings(l2=0.0).apply(fork.network.spec)
    assert off.training.regularizer is None


def test_bad_settings_are_refused_with_what_to_change() -> None:
    timeline, original = _original(HIDDEN)
    with pytest.raises(SpecError, match="no Dropout layer"):
        fork_trainer(original, timeline.checkpoint(0), ForkSettings(dropout=0.2))
    with pytest.raises(SpecError, match="positive"):
        ForkSettings(learning_rate=0.0)
    with pytest.raises(SpecError, match="one of"):
        ForkSettings(optimizer="magic")
    with pytest.raises(SpecError, match="up to"):
        ForkSettings(dropout=1.0)
    with pytest.raises(ModelFileError, match="unknown keys"):
        ForkSettings.from_dict({"momentum": 0.9})
    with pytest.raises(ModelFileError, match="must be a number"):
        ForkSettings.from_dict({"l2": "lots"})
    with pytest.raises(ModelFileError, match="learning rate"):
        ForkSettings.from_dict({"learning_rate": -1})
    settings = ForkSettings(learning_rate=0.01, optimizer="adam")
    assert ForkSettings.from_dict(settings.to_dict()) == settings
    assert settings.describe() == "lr 0.01, adam"
