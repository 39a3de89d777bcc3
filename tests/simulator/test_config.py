"""TrainingConfig: defaults, every field checked when read (naming the key), and copies."""

import json

import numpy as np
import pytest

from simulator.config import TrainingConfig
from simulator.errors import SpecError


def test_defaults_are_valid_and_round_trip() -> None:
    config = TrainingConfig()
    assert TrainingConfig.from_dict(config.to_dict()) == config
    assert TrainingConfig.from_dict(None) == config


@pytest.mark.parametrize(("changes", "message"), [
    ({"loss": "hinge"}, "unknown loss 'hinge'"),
    ({"optimizer": {"type": "sgd", "learning_rate": -1}},
     "optimizer 'learning_rate' must be a number >= 0, got -1"),
    ({"schedule": {"type": "step", "factor": 2}},
     r"schedule 'step': 'factor' must be a number in \(0, 1\], got 2"),
    ({"regularizer": {"l2": -1}}, "regularizer 'l2' must be a number >= 0"),
    ({"batch_size": 0}, "training 'batch_size' must be a positive integer, got 0"),
    ({"epochs": 2.5}, "training 'epochs' must be a positive integer, got 2.5"),
    ({"seed": True}, "training 'seed' must be an integer >= 0, got True"),
    ({"validation_split": 1}, r"training 'validation_split' must be a number in \[0, 1\)"),
    ({"preprocessing": "zscore"},
     "training 'preprocessing' must be one of 'auto', 'none', 'center'"),
    ({"gradient_clip": 0}, r"training 'gradient_clip' must be a positive number \(the largest "
                           r"gradient norm\), got 0"),
    ({"dtype": "float16"}, "training 'dtype' must be one of 'float32', 'float64'"),
    ({"early_stopping": {"patience": -1}},
     r"early_stopping 'patience' must be an integer >= 0 \(epochs\), got -1"),
    ({"reduce_on_plateau": {"factor": 1}}, r"reduce_on_plateau 'factor' must be a number in "
                                           r"\(0, 1\), got 1"),
    ({"early_stopping": {"mode": "most"}}, "early_stopping 'mode' must be one of 'auto'"),
])
def test_every_field_is_checked_with_its_name(changes: dict, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        TrainingConfig.from_dict(changes)


def test_unknown_keys_are_listed() -> None:
    with pytest.raises(SpecError, match=r"unknown training keys \['epoch'\]; known keys are: "):
        TrainingConfig.from_dict({"epoch": 3})
    with pytest.raises(SpecError, match="'training' must be an object, got list"):
        TrainingConfig.from_dict([])  # type: ignore[arg-type]


def test_an_optimizer_name_becomes_a_config_and_numpy_counts_become_ints() -> None:
    config = TrainingConfig(optimizer="adam",  # type: ignore[arg-type]
                            epochs=np.int64(3), seed=np.int32(1))
    assert config.optimizer == {"type": "adam"}
    assert type(config.epochs) is int
    assert type(config.seed) is int
    json.dumps(config.to_dict())


def test_replace_checks_the_copy_and_ignores_none() -> None:
    config = TrainingConfig(epochs=4)
    assert config.replace(epochs=None, batch_size=8).to_dict() == {
        **config.to_dict(), "batch_size": 8}
    with pytest.raises(SpecError, match="training 'epochs'"):
        config.replace(epochs=0)
    assert config.epochs == 4
