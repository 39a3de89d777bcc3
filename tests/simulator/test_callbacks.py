"""Early stopping and reduce-on-plateau: hand-driven sequences, config wiring, fallback."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.callbacks import EarlyStopping, ReduceLROnPlateau, callbacks_from_config
from simulator.config import TrainingConfig
from simulator.errors import SpecError
from simulator.network import compile_network
from simulator.spec import NetworkSpec
from simulator.training.trainer import EpochEnd, Finished, Started, Trainer
from tests.simulator.training.test_trainer import make_trainer, run


def feed(callback, trainer, values: list[float], key: str = "val_loss") -> list[bool]:
    """Call on_epoch_end with each value; return whether the trainer was asked to stop."""
    callback.on_train_begin(trainer)
    stops = []
    for epoch, value in enumerate(values, start=1):
        trainer._stop_reason = None
        trainer.network.flat_params[0] = epoch        # mark the weights of this epoch
        callback.on_epoch_end(trainer, epoch, {key: value})
        stops.append(trainer._stop_reason == "early_stopping")
    return stops


def test_early_stopping_waits_patience_epochs_and_restores_best_weights() -> None:
    trainer = make_trainer()
    es = EarlyStopping(patience=2)
    assert feed(es, trainer, [1.0, 0.8, 0.9, 0.85]) == [False, False, False, True]
    assert (es.best, es.best_epoch, es.wait) == (0.8, 2, 2)
    assert trainer.network.flat_params[0] == 2          # the weights of epoch 2 are back
    assert "restored the weights of epoch 2" in trainer._take_notes()[-1]


def test_early_stopping_min_delta_and_max_mode_for_accuracy() -> None:
    trainer = make_trainer()
    es = EarlyStopping(monitor="val_accuracy", patience=1, min_delta=0.05,
                       restore_best_weights=False)
    assert es.maximize
    assert feed(es, trainer, [0.5, 0.6, 0.62], key="val_accuracy") == [False, False, True]
    assert trainer.network.flat_params[0] == 3          # not restored


def test_patience_zero_stops_at_the_first_epoch_without_progress() -> None:
    trainer = make_trainer()
    assert feed(EarlyStopping(patience=0), trainer, [1.0, 0.5, 0.5]) == [False, False, True]


def test_reduce_on_plateau_scales_the_base_rate_down_to_min_lr() -> None:
    trainer = make_trainer()                            # base learning rate 0.1
    plateau = ReduceLROnPlateau(factor=0.1, patience=2, min_lr=5e-4)
    feed(plateau, trainer, [1.0, 1.0, 1.0])
    assert trainer.base_learning_rate == pytest.approx(0.01)
    feed(plateau, trainer, [1.0, 1.0])
    assert trainer.base_learning_rate == pytest.approx(1e-3)
    feed(plateau, trainer, [1.0, 1.0, 1.0, 1.0])
    assert trainer.base_learning_rate == pytest.approx(5e-4)
    assert "base learning rate" in trainer._take_notes()[0]


def test_reduce_on_plateau_course_defaults_and_cooldown() -> None:
    plateau = ReduceLROnPlateau()
    assert (plateau.monitor, plateau.factor, plateau.patience, plateau.min_lr) == (
        "val_loss", 0.1, 10, 1e-6)
    trainer = make_trainer()
    cooled = ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2)
    feed(cooled, trainer, [1.0, 1.0, 1.0, 1.0, 1.0])
    # reduced after epoch 2, then two epochs of cooldown, then again after epoch 5
    assert trainer.base_learning_rate == pytest.approx(0.025)


def test_callback_state_round_trip() -> None:
    trainer = make_trainer()
    es = EarlyStopping(patience=3)
    feed(es, trainer, [1.0, 0.5, 0.7])
    copy = EarlyStopping(patience=3)
    copy.load_state_dict(es.state_dict())
    assert (copy.best, copy.wait, copy.best_epoch) == (0.5, 1, 2)
    assert np.array_equal(copy.best_weights["h.W"], es.best_weights["h.W"])


def test_callbacks_from_config() -> None:
    config = TrainingConfig(early_stopping={"patience": 3}, reduce_on_plateau={})
    kinds = [type(c) for c in callbacks_from_config(config)]
    assert kinds == [ReduceLROnPlateau, EarlyStopping]
    assert callbacks_from_config(TrainingConfig()) == []


@pytest.mark.parametrize("settings", [
    {"early_stopping": {"patience": -1}}, {"early_stopping": {"patience": 2.5}},
    {"early_stopping": {"mode": "up"}}, {"early_stopping": {"wait": 3}},
    {"early_stopping": 5}, {"reduce_on_plateau": {"factor": 1.0}},
    {"reduce_on_plateau": {"min_lr": -1}}, {"reduce_on_plateau": {"monitor": ""}},
])
def test_bad_settings_fail_when_the_config_is_read(settings: dict) -> None:
    with pytest.raises(SpecError):
        TrainingConfig(**settings)


def test_without_validation_the_monitor_falls_back_and_says_so() -> None:
    trainer = make_trainer({"early_stopping": {"patience": 1}}, val=False)
    events = run(trainer)
    started = events[0]
    assert isinstance(started, Started)
    assert any("instead of 'val_loss'" in note for note in started.notes)
    assert trainer.callbacks[0].monitor == "loss"


def test_a_metric_the_run_does_not_report_is_a_spec_error() -> None:
    spec = NetworkSpec.from_dict({
        "input_shape": [2], "layers": [{"type": "Dense", "units": 1}],
        "training": {"loss": "mse", "early_stopping": {"monitor": "val_accuracy"}}})
    x, y = np.zeros((8, 2)), np.zeros((8, 1))   # a regression run has no accuracy
    with pytest.raises(SpecError, match="val_accuracy"):
        Trainer(compile_network(spec), spec.training, x, y, x, y)


def test_early_stopping_ends_a_run_that_cannot_improve() -> None:
    trainer = make_trainer({"optimizer": {"type": "sgd", "learning_rate": 0.0}, "epochs": 20,
                            "early_stopping": {"patience": 2}})
    events = run(trainer)
    assert isinstance(events[-1], Finished)
    assert events[-1].reason == "early_stopping"
    assert events[-1].epochs_completed == 3
    assert len(events[-1].history["loss"]) == 3
    notes = [n for e in events if isinstance(e, EpochEnd) for n in e.notes]
    assert any(n.startswith("early stopping at epoch 3") for n in notes)


def test_plateau_lowers_the_rate_the_next_epoch_trains_with() -> None:
    trainer = make_trainer({"optimizer": {"type": "sgd", "learning_rate": 1e-9}, "epochs": 4,
                            "reduce_on_plateau": {"patience": 1, "factor": 0.5,
                                                  "min_lr": 0.0}})
    events = run(trainer)
    rates = [e.learning_rate for e in events if isinstance(e, EpochEnd)]
    assert rates == pytest.approx([1e-9, 1e-9, 5e-10, 2.5e-10])
    assert any(e.notes for e in events if isinstance(e, EpochEnd))
