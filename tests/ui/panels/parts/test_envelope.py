"""The min/max envelope: bounded output however long the series, peaks kept, NaN tolerated."""

from __future__ import annotations

import numpy as np
import pytest

from ui.panels.parts.envelope import Envelope


def _fill(envelope: Envelope, n: int, chunk: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y = rng.normal(size=n)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        envelope.extend(np.arange(start, stop, dtype=float), y[start:stop])
    return y


def test_few_points_are_drawn_as_they_are() -> None:
    envelope = Envelope(8)
    envelope.extend([1, 2, 3], [0.5, np.nan, 0.25])
    x, y = envelope.points()
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_array_equal(y, [0.5, np.nan, 0.25])


@pytest.mark.parametrize("chunk", [1, 7, 1000, 100_000])
def test_output_stays_bounded_and_keeps_every_peak(chunk: int) -> None:
    envelope = Envelope(16)
    y = _fill(envelope, 50_000, chunk)
    x_drawn, y_drawn = envelope.points()
    assert x_drawn.size <= 2 * 16 + 2
    assert y_drawn.max() == y.max()
    assert y_drawn.min() == y.min()
    assert x_drawn[0] == 0
    assert x_drawn[-1] == 49_999
    assert np.all(np.diff(x_drawn) >= 0)
    np.testing.assert_array_equal(envelope.values, y)        # every point is kept
    assert len(envelope) == 50_000


def test_the_same_points_whatever_the_chunking() -> None:
    one, many = Envelope(16), Envelope(16)
    _fill(one, 10_000, 10_000)
    _fill(many, 10_000, 13)
    for a, b in zip(one.points(), many.points(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_nan_only_buckets_leave_a_gap_and_clear_empties() -> None:
    envelope = Envelope(4)
    envelope.extend(np.arange(40.0), np.r_[np.ones(20), np.full(20, np.nan)])
    _, y = envelope.points()
    assert np.isnan(y).any()
    assert np.nanmax(y) == 1.0
    envelope.clear()
    assert len(envelope) == 0
    assert envelope.points()[0].size == 0


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 2 buckets"):
        Envelope(1)
    with pytest.raises(ValueError, match="as many x as y"):
        Envelope().extend([1, 2], [1])
