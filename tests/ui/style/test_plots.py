"""The shared plot parts: the legend under a plot flows into as many rows as its width needs."""

from __future__ import annotations

import pyqtgraph as pg
import pytest

from ui.style.plots import legend_below, legend_columns, live_plot
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
