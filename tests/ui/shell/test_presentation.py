"""View ▸ Presentation mode enlarges the plots too, in place: fonts, legends, lines; and back."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel

from simulator.training.trainer import EpochEnd
from tests.ui.panels.conftest import chunk
from ui.experiments.hookup import show_experiments
from ui.panels.activations_panel import ActivationsPanel
from ui.panels.catalog import find_panel
from ui.panels.confusion_panel import ConfusionPanel, cell_points
from ui.panels.gradients_panel import GradientsPanel
from ui.panels.loss_panel import LossPanel
from ui.shell.actions import show_panel
from ui.style.theme import LABEL_FONT_PT, PRESENTATION_SCALE, TICK_FONT_PT, plot_scale

BIG_TICK = round(TICK_FONT_PT * PRESENTATION_SCALE)
BIG_LABEL = round(LABEL_FONT_PT * PRESENTATION_SCALE)


@pytest.fixture
def window(main_window):
    yield main_window
    main_window.presentation_action.setChecked(False)   # leave the fonts as found


def _tick_pt(plot) -> int:
    return plot.getAxis("left").style["tickFont"].pointSize()


def test_toggling_restyles_the_panels_in_place_and_back(window) -> None:
    loss = find_panel(window.panels, LossPanel)
    loss.on_batches(chunk([1, 2, 3], [0.9, 0.7, 0.5]))
    curve = loss.smooth_curve
    x, y = (np.array(v) for v in curve.getData())
    width = curve.opts["pen"].widthF()
    legend = loss.plot.getPlotItem().legend
    assert _tick_pt(loss.plot) == TICK_FONT_PT
    assert loss.plot.getAxis("left").labelStyle["font-size"] == f"{LABEL_FONT_PT}pt"
    window.presentation_action.setChecked(True)
    assert plot_scale() == PRESENTATION_SCALE
    assert _tick_pt(loss.plot) == BIG_TICK
    assert loss.plot.getAxis("bottom").style["tickFont"].pointSize() == BIG_TICK
    assert loss.plot.getAxis("left").labelStyle["font-size"] == f"{BIG_LABEL}pt"
    assert all(label.opts["size"] == f"{BIG_TICK}pt" for _, label in legend.items)
    assert curve.opts["pen"].widthF() > width
    assert loss.smooth_curve is curve                    # the same curve, with its data
    np.testing.assert_array_equal(curve.getData()[1], y)
    np.testing.assert_array_equal(loss.batch_losses, [0.9, 0.7, 0.5])
    window.presentation_action.setChecked(False)
    assert plot_scale() == 1.0
    assert _tick_pt(loss.plot) == TICK_FONT_PT
    assert all(label.opts["size"] == f"{TICK_FONT_PT}pt" for _, label in legend.items)
    assert curve.opts["pen"].widthF() == width
    np.testing.assert_array_equal(curve.getData()[0], x)


def test_text_in_plots_and_feature_map_captions_grow(window) -> None:
    confusion = find_panel(window.panels, ConfusionPanel)
    show_panel(window, confusion)        # a tab not in front draws nothing (until shown)
    confusion.on_event(EpochEnd(3, {"loss": 0.5}, 0.1, np.array([[40, 2], [3, 35]])))
    maps = find_panel(window.panels, ActivationsPanel)
    window.session.choose_sample(0)
    maps.on_event(window.session.trainer.snapshot())
    title = maps.rows["hidden_1"].label
    small_cell = confusion.cells[0].textItem.font().pointSize()
    assert small_cell == cell_points(2)
    window.presentation_action.setChecked(True)
    assert confusion.cells[0].textItem.font().pointSize() > small_cell
    assert confusion.cell_texts() == ["40", "2", "3", "35"]
    assert confusion.plot.getPlotItem().titleLabel.opts["size"] == f"{BIG_LABEL}pt"
    assert title.opts["size"] == f"{BIG_LABEL}pt"
    assert f"font-size: {round(11 * PRESENTATION_SCALE)}pt" in maps.caption.styleSheet()
    gradients = find_panel(window.panels, GradientsPanel)
    caption = next(label for label in gradients.findChildren(QLabel)
                   if label.text().startswith("Units that stopped"))   # held by Qt alone
    assert f"font-size: {BIG_TICK}pt" in caption.styleSheet()
    window.presentation_action.setChecked(False)
    assert confusion.cells[0].textItem.font().pointSize() == small_cell
    assert title.opts["size"] == f"{LABEL_FONT_PT}pt"
    assert f"font-size: {TICK_FONT_PT}pt" in caption.styleSheet()


def test_plots_made_while_presenting_are_large_then_shrink(window) -> None:
    window.presentation_action.setChecked(True)
    window.reset()                                        # new curves, built large
    gradients = find_panel(window.panels, GradientsPanel)
    curve = next(iter(gradients.curves.values()))
    assert curve.opts["pen"].widthF() > 2.5
    window.presentation_action.setChecked(False)
    assert curve.opts["pen"].widthF() == 2.5


def test_the_experiments_charts_follow(window) -> None:
    experiments = show_experiments(window)
    plot = experiments.ensemble.plot
    assert _tick_pt(plot) == TICK_FONT_PT
    window.presentation_action.setChecked(True)
    assert _tick_pt(plot) == BIG_TICK
    assert _tick_pt(experiments.search.results.trial_plot) == BIG_TICK
    window.presentation_action.setChecked(False)
    assert _tick_pt(plot) == TICK_FONT_PT
