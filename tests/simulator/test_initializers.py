"""Initializers: shapes, the right spread for Glorot and He, explicit errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.errors import SpecError
from simulator.initializers import get_initializer, initializer_names


@pytest.mark.parametrize("name", initializer_names())
def test_every_initializer_gives_the_shape_and_is_seeded(name: str) -> None:
    a = get_initializer(name)((30, 20), np.random.default_rng(5))
    b = get_initializer(name)((30, 20), np.random.default_rng(5))
    assert a.shape == (30, 20)
    np.testing.assert_array_equal(a, b)
    assert np.all(np.isfinite(a))


def test_constant_values() -> None:
    rng = np.random.default_rng(0)
    assert np.all(get_initializer("zeros")((3,), rng) == 0)
    assert np.all(get_initializer("ones")((3,), rng) == 1)
    assert np.all(get_initializer({"type": "constant", "value": 0.25})((2, 2), rng) == 0.25)


def test_glorot_and_he_spreads_follow_their_formulas() -> None:
    rng = np.random.default_rng(1)
    shape = (400, 300)        # Dense [units=400][inputs=300]: fan_in 300, fan_out 400
    limit = math.sqrt(6 / (400 + 300))
    w = get_initializer("glorot_uniform")(shape, rng)
    assert np.abs(w).max() <= limit
    assert w.std() == pytest.approx(limit / math.sqrt(3), rel=0.02)
    assert get_initializer("glorot_normal")(shape, rng).std() == pytest.approx(
        math.sqrt(2 / 700), rel=0.02)
    he_normal = get_initializer("he_normal")(shape, rng)
    assert he_normal.std() == pytest.approx(math.sqrt(2 / 300), rel=0.02)
    he = get_initializer("he_uniform")(shape, rng)
    assert np.abs(he).max() <= math.sqrt(6 / 300)
    assert np.abs(he).max() > math.sqrt(6 / 400)


def test_conv_fans_use_the_receptive_field() -> None:
    # [filters=64][channels=4][3][3]: fan_in = 4*9 = 36
    w = get_initializer("he_normal")((64, 4, 3, 3), np.random.default_rng(2))
    assert w.std() == pytest.approx(math.sqrt(2 / 36), rel=0.05)


def test_unknown_initializer_lists_the_valid_ones() -> None:
    with pytest.raises(SpecError, match="unknown initializer 'gaussian'.*glorot_uniform"):
        get_initializer("gaussian")((2,), np.random.default_rng(0))


@pytest.mark.parametrize(("alias", "name"), [
    ("xavier", "glorot_uniform"), ("xavier_normal", "glorot_normal"),
    ("kaiming_uniform", "he_uniform"), ("He", "he_normal"), ("GLOROT_UNIFORM", "glorot_uniform"),
])
def test_aliases_and_case_name_the_same_initializer(alias: str, name: str) -> None:
    assert get_initializer(alias).name == name


@pytest.mark.parametrize(("spec", "message"), [
    ({"type": "uniform", "limit": -1}, r"'uniform': 'limit' must be a number >= 0, got -1"),
    ({"type": "normal", "stddev": "wide"}, r"'normal': 'stddev' must be a number >= 0"),
    ({"type": "constant", "value": float("inf")}, r"'value' must be a finite number"),
    ({"type": "zeros", "value": 1}, r"initializer 'zeros': invalid options"),
    ({"limit": 0.1}, "this initializer has no 'type'"),
])
def test_bad_options_are_refused_when_the_initializer_is_named(spec: dict, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        get_initializer(spec)
