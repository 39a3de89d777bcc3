"""A live plot's automatic range settles: it moves when the data leave it or shrink within it,
not at every update, and never leaves data outside the view."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from ui.style.plots import live_plot, settle_view


@pytest.fixture
def plot(qtbot) -> Any:
    plot = live_plot("epoch", "loss")
    qtbot.addWidget(plot)
    plot.resize(500, 300)
    plot.show()
    return plot


def test_a_growing_loss_curve_moves_the_range_a_few_times_and_stays_in_view(plot) -> None:
    curve = plot.plot()
    moves = []
    plot.getViewBox().sigRangeChanged.connect(lambda *_: moves.append(1))
    rng = np.random.default_rng(0)
    x = np.arange(1, 20_001) / 10.0                           # 2,000 epochs
    y = 2.0 * np.exp(-x / 300.0) + 0.05 + 0.02 * rng.random(x.size)
    updates = 400
    for k in range(1, updates + 1):
        n = k * x.size // updates
        curve.setData(x[:n], y[:n])
        settle_view(plot)
        (x0, x1), (y0, y1) = plot.getViewBox().viewRange()
        assert x0 <= x[0] <= x[n - 1] <= x1                     # every point in view
        assert y0 <= y[:n].min() <= y[:n].max() <= y1
        assert x[n - 1] - x[0] >= 0.5 * (x1 - x0)               # and not lost in it
    assert len(moves) < updates / 5


def test_data_that_shrink_within_the_range_are_fitted_again(plot) -> None:
    curve = plot.plot()
    curve.setData([0.0, 1.0], [0.0, 100.0])
    settle_view(plot)
    curve.setData([0.0, 1.0], [0.0, 1.0])          # e.g. the first huge losses scrolled off
    settle_view(plot)
    (_x0, _x1), (y0, y1) = plot.getViewBox().viewRange()
    assert y1 - y0 < 2.0


def test_a_zoom_of_the_user_is_kept(plot) -> None:
    curve = plot.plot()
    curve.setData([0.0, 10.0], [0.0, 10.0])
    settle_view(plot)
    plot.setRange(xRange=(2.0, 3.0), yRange=(2.0, 3.0), padding=0)   # as a mouse zoom does
    curve.setData([0.0, 20.0], [0.0, 20.0])
    settle_view(plot)
    (x0, x1), (y0, y1) = plot.getViewBox().viewRange()
    assert (x0, x1, y0, y1) == (2.0, 3.0, 2.0, 3.0)
