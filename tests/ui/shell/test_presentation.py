"""View ▸ Presentation mode: larger text everywhere (the lesson's explanation and the tab labels
included), the plots redrawn in place (fonts, legends, lines); and back."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel

from simulator.training.trainer import EpochEnd
from tests.ui.panels.conftest import chunk
from ui.panels.activations_panel import ActivationsPanel
from ui.panels.catalog import find_panel
from ui.panels.confusion_panel import ConfusionPanel, cell_points
from ui.panels.gradients_panel import GradientsPanel
from ui.panels.loss_panel import LossPanel
from ui.shell.presentation import PRESENTATION_POINTS
from ui.style.theme import LABEL_FONT_PT, PRESENTATION_SCALE, TICK_FONT_PT, plot_scale

BIG_TICK = round(TICK_FONT_PT * PRESENTATION_SCALE)
BIG_LABEL = round(LABEL_FONT_PT * PRESENTATION_SCALE)


@pytest.fixture
def window(main_window):
    yield main_window
    main_window.menus.presentation.setChecked(False)   # leave the fonts as found


def test_the_text_grows_and_shrinks_back(window, qapp) -> None:
    before = qapp.font().pointSize()
    window.menus.presentation.setChecked(True)
    assert qapp.font().pointSize() == before + PRESENTATION_POINTS
    window.menus.presentation.setChecked(False)
    assert qapp.font().pointSize() == before


def test_the_lesson_text_and_the_panel_tabs_grow(window, qapp) -> None:
    window.show()
    inspector = window.inspector
    texts = (inspector.title, inspector.about)
    tab_bars = [stack.tabBar() for stack in window.panel_tabs.stacks]
    small = [widget.fontInfo().pointSize() for widget in (*texts, *tab_bars)]
    window.menus.presentation.setChecked(True)
    qapp.processEvents()
    large = [widget.fontInfo().pointSize() for widget in (*texts, *tab_bars)]
    assert large == [size + PRESENTATION_POINTS for size in small]
    assert inspector.title.text() == window.title            # still the lesson's own text
    window.menus.presentation.setChecked(False)
    qapp.processEvents()
    assert [widget.fontInfo().pointSize() for widget in (*texts, *tab_bars)] == small


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
    window.menus.presentation.setChecked(True)
    assert plot_scale() == PRESENTATION_SCALE
    assert _tick_pt(loss.plot) == BIG_TICK
    assert loss.plot.getAxis("bottom").style["tickFont"].pointSize() == BIG_TICK
    assert loss.plot.getAxis("left").labelStyle["font-size"] == f"{BIG_LABEL}pt"
    assert all(label.opts["size"] == f"{BIG_TICK}pt" for _, label in legend.items)
    assert curve.opts["pen"].widthF() > width
    assert loss.smooth_curve is curve                    # the same curve, with its data
    np.testing.assert_array_equal(curve.getData()[1], y)
    np.testing.assert_array_equal(loss.batch_losses, [0.9, 0.7, 0.5])
    window.menus.presentation.setChecked(False)
    assert plot_scale() == 1.0
    assert _tick_pt(loss.plot) == TICK_FONT_PT
    assert all(label.opts["size"] == f"{TICK_FONT_PT}pt" for _, label in legend.items)
    assert curve.opts["pen"].widthF() == width
    np.testing.assert_array_equal(curve.getData()[0], x)


def test_text_in_plots_and_feature_map_captions_grow(window) -> None:
    confusion = find_panel(window.panels, ConfusionPanel)
    window.panel_tabs.show_panel(confusion)        # a tab not in front draws nothing (until shown)
    confusion.on_event(EpochEnd(3, {"loss": 0.5}, 0.1, np.array([[40, 2], [3, 35]])))
    maps = find_panel(window.panels, ActivationsPanel)
    window.session.choose_sample(0)
    maps.on_event(window.session.trainer.snapshot())
    title = maps.rows["hidden_1"].label
    small_cell = confusion.cells[0].textItem.font().pointSize()
    assert small_cell == cell_points(2)
    window.menus.presentation.setChecked(True)
    assert confusion.cells[0].textItem.font().pointSize() > small_cell
    assert confusion.cell_texts() == ["40", "2", "3", "35"]
    assert confusion.plot.getPlotItem().titleLabel.opts["size"] == f"{BIG_LABEL}pt"
    assert title.opts["size"] == f"{BIG_LABEL}pt"
    assert f"font-size: {round(11 * PRESENTATION_SCALE)}pt" in maps.caption.styleSheet()
    gradients = find_panel(window.panels, GradientsPanel)
    caption = next(label for label in gradients.findChildren(QLabel)
                   if label.text().startswith("Units that stopped"))   # held by Qt alone
    assert f"font-size: {BIG_TICK}pt" in caption.styleSheet()
    window.menus.presentation.setChecked(False)
    assert confusion.cells[0].textItem.font().pointSize() == small_cell
    assert title.opts["size"] == f"{LABEL_FONT_PT}pt"
    assert f"font-size: {TICK_FONT_PT}pt" in caption.styleSheet()


def test_plots_made_while_presenting_are_large_then_shrink(window) -> None:
    window.menus.presentation.setChecked(True)
    window.reset()                                        # new curves, built large
    gradients = find_panel(window.panels, GradientsPanel)
    curve = next(iter(gradients.curves.values()))
    assert curve.opts["pen"].widthF() > 2.5
    window.menus.presentation.setChecked(False)
    assert curve.opts["pen"].widthF() == 2.5


def test_the_experiments_charts_follow(window) -> None:
    experiments = window.experiments.show()
    plot = experiments.ensemble.plot
    assert _tick_pt(plot) == TICK_FONT_PT
    window.menus.presentation.setChecked(True)
    assert _tick_pt(plot) == BIG_TICK
    assert _tick_pt(experiments.search.results.trial_plot) == BIG_TICK
    window.menus.presentation.setChecked(False)
    assert _tick_pt(plot) == TICK_FONT_PT


def test_styled_labels_the_lesson_text_and_the_canvas_callout_grow(window, qtbot) -> None:
    """Labels with a style sheet keep the font they were polished with unless restyled: the
    lesson's title and text, the canvas banner and the data-misfit callout follow too."""
    from ui.design.commands import EditLayer
    from ui.shell.presentation import PRESENTATION_POINTS
    from ui.shell.presets import load_preset

    window.open_preset(load_preset("softmax_blobs"))
    window.stack.push(EditLayer(window.spec, "scores", {"units": 3}))
    qtbot.waitUntil(lambda: window.session is None, timeout=2_000)
    note = window.canvas.scene.layer_items["scores"].note
    labels = [window.inspector.title, window.inspector.about, window.canvas.banner]
    before = [label.font().pointSize() for label in labels]
    height = note.boundingRect().height()
    window.menus.presentation.setChecked(True)
    grown = [b + PRESENTATION_POINTS for b in before]
    assert [label.font().pointSize() for label in labels] == grown
    assert note.boundingRect().height() > height            # laid out again, larger
    window.menus.presentation.setChecked(False)
    assert [label.font().pointSize() for label in labels] == before
    assert note.boundingRect().height() == height


def test_a_picture_right_after_the_switch_shows_it_settled(window, qapp) -> None:
    """Nothing waits for the event loop: the menus have the larger font and the lesson's
    title its new height at once (a grab right after the switch showed a half-done layout)."""
    window.show()
    qapp.processEvents()
    window.menus.presentation.setChecked(True)
    assert window.menuBar().fontInfo().pointSize() == qapp.font().pointSize()
    title = window.inspector.title
    assert title.height() >= title.heightForWidth(title.width())
