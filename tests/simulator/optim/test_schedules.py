"""Learning-rate schedules against values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.errors import SpecError
from simulator.optim.schedules import get_schedule, preview, schedule_names


def test_constant_preview() -> None:
    np.testing.assert_array_equal(preview(None, 0.1, 2, 3), np.full(6, 0.1))
    assert len(preview({"type": "constant"}, 0.1, 0, 3)) == 0


def test_step_halves_every_five_epochs_as_the_course_says() -> None:
    lrs = preview({"type": "step"}, 1.0, 12, 2)          # defaults: factor 0.5, every 5 epochs
    expected = np.repeat([1.0, 0.5, 0.25], [10, 10, 4])
    np.testing.assert_array_equal(lrs, expected)


def test_step_every_steps_and_divide_by_ten() -> None:
    lrs = preview({"type": "step", "every_steps": 3, "factor": 0.1}, 2.0, 1, 7)
    np.testing.assert_allclose(lrs, [2, 2, 2, 0.2, 0.2, 0.2, 0.02], rtol=1e-12)


def test_exponential_per_epoch_is_smooth_per_step() -> None:
    lrs = preview({"type": "exponential", "decay_rate": 0.5}, 1.0, 2, 4)
    np.testing.assert_allclose(lrs, [0.5 ** (s / 4) for s in range(8)], rtol=1e-14)
    stairs = preview({"type": "exponential", "decay_rate": 0.5, "staircase": True}, 1.0, 2, 4)
    np.testing.assert_array_equal(stairs, [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5])


def test_exponential_per_decay_steps() -> None:
    lrs = preview({"type": "exponential", "decay_rate": 0.9, "decay_steps": 10}, 0.1, 1, 21)
    assert lrs[10] == pytest.approx(0.09, rel=1e-14)
    assert lrs[20] == pytest.approx(0.081, rel=1e-14)
    assert lrs[5] == pytest.approx(0.1 * 0.9**0.5, rel=1e-14)


def test_cosine_over_the_run_and_over_given_epochs() -> None:
    lrs = preview({"type": "cosine"}, 1.0, 1, 4)          # length = the run, 4 steps
    np.testing.assert_allclose(lrs, [1.0, (1 + math.cos(math.pi / 4)) / 2, 0.5,
                                     (1 + math.cos(3 * math.pi / 4)) / 2], atol=1e-15)
    lrs = preview({"type": "cosine", "alpha": 0.1, "epochs": 1}, 1.0, 2, 2)
    np.testing.assert_allclose(lrs, [1.0, 0.1 + 0.9 * 0.5, 0.1, 0.1], atol=1e-15)
    lrs = preview({"type": "cosine", "steps": 2}, 2.0, 1, 3)
    np.testing.assert_allclose(lrs, [2.0, 1.0, 0.0], atol=1e-15)


def test_warmup_then_cosine() -> None:
    config = {"type": "warmup", "warmup_steps": 4, "then": {"type": "cosine", "steps": 2}}
    lrs = preview(config, 1.0, 1, 8)
    np.testing.assert_allclose(lrs, [0.25, 0.5, 0.75, 1.0, 1.0, 0.5, 0.0, 0.0], atol=1e-15)


def test_warmup_epochs_then_step_counts_epochs_after_warmup() -> None:
    config = {"type": "warmup", "warmup_epochs": 1,
              "then": {"type": "step", "every_epochs": 1, "factor": 0.5}}
    lrs = preview(config, 1.0, 3, 2)
    np.testing.assert_allclose(lrs, [0.5, 1.0, 1.0, 1.0, 0.5, 0.5], atol=1e-15)


def test_warmup_then_cosine_over_the_rest_of_the_run() -> None:
    lrs = preview({"type": "warmup", "warmup_steps": 2, "then": "cosine"}, 1.0, 1, 4)
    np.testing.assert_allclose(lrs, [0.5, 1.0, 1.0, 0.5], atol=1e-15)


@pytest.mark.parametrize("config", [
    {"type": "step", "every_epochs": 3, "factor": 0.1},
    {"type": "step", "every_steps": 7},
    {"type": "exponential", "decay_rate": 0.95, "decay_steps": 10, "staircase": True},
    {"type": "cosine", "alpha": 0.01, "epochs": 4},
    {"type": "warmup", "warmup_steps": 5, "then": {"type": "cosine", "steps": 9}},
])
def test_config_round_trip(config: dict) -> None:
    schedule = get_schedule(config)
    assert schedule.get_config() == get_schedule(schedule.get_config()).get_config()
    np.testing.assert_array_equal(preview(config, 0.1, 3, 5),
                                  preview(schedule.get_config(), 0.1, 3, 5))


@pytest.mark.parametrize("config", [
    "linear", {"type": "step", "factor": 0}, {"type": "step", "factor": 1.5},
    {"type": "step", "every_epochs": 0}, {"type": "step", "every_epochs": 2, "every_steps": 2},
    {"type": "exponential", "decay_rate": float("nan")}, {"type": "cosine", "alpha": 2},
    {"type": "cosine", "epochs": 2, "steps": 3}, {"type": "warmup"},
    {"type": "warmup", "warmup_steps": 3, "then": {"type": "warmup", "warmup_steps": 1}},
    {"type": "cosine", "decay": 3}, 5,
])
def test_bad_configs_raise_spec_errors(config: object) -> None:
    with pytest.raises(SpecError):
        get_schedule(config)


def test_names_and_preview_argument_check() -> None:
    assert schedule_names() == ["constant", "cosine", "exponential", "step", "warmup"]
    with pytest.raises(SpecError):
        preview(None, 0.1, 2, 0)
