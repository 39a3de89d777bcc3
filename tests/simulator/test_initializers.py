"""Initializers: shapes, the right spread for Glorot and He, explicit errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.errors import SpecError
from simulator.initializers import INITIALIZERS, initialize


@pytest.mark.parametrize("name", INITIALIZERS)
def test_every_initializer_gives_the_shape_and_is_seeded(name: str) -> None:
    a = initialize(name, (30, 20), np.random.default_rng(5))
    b = initialize(name, (30, 20), np.random.default_rng(5))
    assert a.shape == (30, 20)
    np.testing.assert_array_equal(a, b)
    assert np.all(np.isfinite(a))


def test_constant_values() -> None:
    rng = np.random.default_rng(0)
    assert np.all(initialize("zeros", (3,), rng) == 0)
    assert np.all(initialize("ones", (3,), rng) == 1)
    assert np.all(initialize({"type": "constant", "value": 0.25}, (2, 2), rng) == 0.25)


def test_glorot_and_he_spreads_follow_their_formulas() -> None:
    rng = np.random.default_rng(1)
    shape = (400, 300)        # Dense [units=400][inputs=300]: fan_in 300, fan_out 400
    limit = math.sqrt(6 / (400 + 300))
    w = initialize("glorot_uniform", shape, rng)
    assert np.abs(w).max() <= limit
    assert w.std() == pytest.approx(limit / math.sqrt(3), rel=0.02)
    assert initialize("glorot_normal", shape, rng).std() == pytest.approx(
        math.sqrt(2 / 700), rel=0.02)
    assert initialize("he_normal", shape, rng).std() == pytest.approx(math.sqrt(2 / 300), rel=0.02)
    he = initialize("he_uniform", shape, rng)
    assert np.abs(he).max() <= math.sqrt(6 / 300)
    assert np.abs(he).max() > math.sqrt(6 / 400)


def test_conv_fans_use_the_receptive_field() -> None:
    # [filters=64][channels=4][3][3]: fan_in = 4*9 = 36
    w = initialize("he_normal", (64, 4, 3, 3), np.random.default_rng(2))
    assert w.std() == pytest.approx(math.sqrt(2 / 36), rel=0.05)


def test_unknown_initializer_lists_the_valid_ones() -> None:
    with pytest.raises(SpecError, match="unknown initializer 'gaussian'.*glorot_uniform"):
        initialize("gaussian", (2,), np.random.default_rng(0))
