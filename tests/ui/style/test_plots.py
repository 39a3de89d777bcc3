"""The shared plot parts: the legend under a plot flows into as many rows as its width needs;
a live plot's automatic range settles (it moves when the data leave it or shrink within it,
not at every update, and never leaves data outside the view)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest

from ui.style.plots import legend_below, legend_columns, live_plot, settle_view
from ui.style.theme import PRESENTATION_SCALE, restyle, set_plot_scale

LONG_NAMES = ["train (smoothed)", "validation", "fork 1 (lr 0.001, momentum 0.9)",
              "reference: adam, lr 0.01, batch 32", "fork 2 (lr 0.1)"]


@pytest.fixture
def plot(qtbot):
    widget = live_plot("epoch", "loss")
    legend = legend_below(widget)
    for index, name in enumerate(LONG_NAMES):
        widget.plot([0, 1], [index, index + 1], pen=pg.mkPen(width=2), name=name)
    qtbot.addWidget(widget)
    widget.show()
    yield widget, legend
    set_plot_scale(1.0)


def _settle(widget, qtbot, width: int, height: int = 300) -> None:
    widget.resize(width, height)
    qtbot.waitUntil(lambda: widget.getPlotItem().width() == width, timeout=2_000)
    pg.mkQApp().processEvents()


def _right_edges(widget, legend) -> list[float]:
    """Each entry's right edge, in the plot's coordinates."""
    item = widget.getPlotItem()
    legend.layout.activate()
    return [label.mapRectToItem(item, label.boundingRect()).right()
            for _, label in legend.items]


def _rows(legend) -> int:
    return len({round(label.pos().y()) for _, label in legend.items})


def test_every_entry_lies_inside_a_narrow_plot(plot, qtbot) -> None:
    widget, legend = plot
    _settle(widget, qtbot, 360)
    item = widget.getPlotItem()
    assert all(edge <= item.width() for edge in _right_edges(widget, legend))
    assert _rows(legend) >= 3
    # the row kept under the axis grows with the legend: the data area stays above it
    assert item.getViewBox().sceneBoundingRect().bottom() < legend.sceneBoundingRect().top()


def test_the_legend_flows_again_as_the_plot_widens_and_narrows(plot, qtbot) -> None:
    widget, legend = plot
    _settle(widget, qtbot, 1800)
    assert _rows(legend) == 1                            # all side by side when they fit
    _settle(widget, qtbot, 500)
    assert _rows(legend) > 1
    assert all(edge <= widget.getPlotItem().width() for edge in _right_edges(widget, legend))


def test_larger_text_moves_entries_to_another_row(plot, qtbot) -> None:
    widget, legend = plot
    _settle(widget, qtbot, 1000)
    rows = _rows(legend)
    set_plot_scale(PRESENTATION_SCALE)
    restyle(widget)
    pg.mkQApp().processEvents()
    assert _rows(legend) > rows
    assert all(edge <= widget.getPlotItem().width() for edge in _right_edges(widget, legend))


def test_columns_are_as_many_as_the_room_holds() -> None:
    samples, labels = [20.0] * 4, [100.0, 40.0, 100.0, 40.0]
    # two columns: (20 + 100) + (20 + 40) and three gaps of 5
    assert legend_columns(samples, labels, 5, 195) == 2
    assert legend_columns(samples, labels, 5, 194) == 1
    assert legend_columns(samples, labels, 5, 10_000) == 4
    assert legend_columns([], [], 5, 100) == 1


@pytest.fixture
def empty(qtbot) -> Any:
    """A live plot, shown, with nothing in it."""
    plot = live_plot("epoch", "loss")
    qtbot.addWidget(plot)
    plot.resize(500, 300)
    plot.show()
    return plot


def test_a_growing_loss_curve_moves_the_range_a_few_times_and_stays_in_view(empty) -> None:
    plot = empty
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


def test_data_that_shrink_within_the_range_are_fitted_again(empty) -> None:
    plot = empty
    curve = plot.plot()
    curve.setData([0.0, 1.0], [0.0, 100.0])
    settle_view(plot)
    curve.setData([0.0, 1.0], [0.0, 1.0])          # e.g. the first huge losses scrolled off
    settle_view(plot)
    (_x0, _x1), (y0, y1) = plot.getViewBox().viewRange()
    assert y1 - y0 < 2.0


def test_a_zoom_of_the_user_is_kept(empty) -> None:
    plot = empty
    curve = plot.plot()
    curve.setData([0.0, 10.0], [0.0, 10.0])
    settle_view(plot)
    plot.setRange(xRange=(2.0, 3.0), yRange=(2.0, 3.0), padding=0)   # as a mouse zoom does
    curve.setData([0.0, 20.0], [0.0, 20.0])
    settle_view(plot)
    (x0, x1), (y0, y1) = plot.getViewBox().viewRange()
    assert (x0, x1, y0, y1) == (2.0, 3.0, 2.0, 3.0)
