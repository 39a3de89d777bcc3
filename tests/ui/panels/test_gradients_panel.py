"""Gradient norms per layer over time (log scale) and the dead / saturated units."""

from __future__ import annotations

import numpy as np

from simulator.training.trainer import Snapshot, Started
from tests.ui.panels.conftest import distinct_colors, has_color, pixels
from ui.panels.gradients_panel import DEAD_COLOR, GradientsPanel
from ui.style.theme import series_color


def _gradients(norms: dict[str, float]) -> dict:
    return {name: {"counts": np.ones(4, np.int64), "edges": np.linspace(-1, 1, 5),
                   "norm": value, "mean_abs": value / 10} for name, value in norms.items()}


def test_one_curve_per_weight_tensor(qtbot, spiral_session) -> None:
    panel = GradientsPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    assert list(panel.curves) == ["hidden_1.W", "hidden_2.W", "output.W"]
    panel.on_event(Started(4, 10, 90, 30, 100))
    for step, scale in ((5, 1.0), (10, 0.1), (15, 0.01)):
        norms = {"hidden_1.W": scale, "hidden_1.b": 1.0, "hidden_2.W": 2 * scale,
                 "output.W": 4 * scale}
        panel.on_event(Snapshot(1, step, {"gradients": _gradients(norms)}))
    np.testing.assert_allclose(panel.norm_series("hidden_1.W"), [1.0, 0.1, 0.01])
    x, y = panel.curves["output.W"].getData()
    np.testing.assert_allclose(x, [0.5, 1.0, 1.5])
    assert panel.plot.getPlotItem().ctrl.logYCheck.isChecked()
    image = pixels(panel)
    assert distinct_colors(image) > 10
    assert has_color(image, series_color(0))


def test_zero_and_nan_norms_and_real_probes(qtbot, spiral_session) -> None:
    panel = GradientsPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    snapshot = spiral_session.trainer.snapshot()     # before training: all gradients are 0
    panel.on_event(snapshot)
    assert panel.notice.isHidden()                   # 0 before the first update is no news
    panel.on_event(Snapshot(1, 2, {"gradients": _gradients({"hidden_1.W": np.nan,
                                                            "output.W": np.inf})}))
    np.testing.assert_array_equal(panel.norm_series("hidden_1.W"), [0.0, np.nan])
    assert "hidden_1" in panel.unit_fractions       # ReLU: dead fraction
    assert "hidden_2" in panel.unit_fractions       # tanh: saturated fraction
    assert distinct_colors(pixels(panel)) > 2


def test_dead_units_are_drawn_as_bars(qtbot, spiral_session) -> None:
    panel = GradientsPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    stats = {"hidden_1": {"dead_fraction": 0.75, "mean": 0.1, "std": 0.1},
             "hidden_2": {"saturated_fraction": 0.25, "mean": 0.0, "std": 0.9},
             "output": {"mean": 0.0, "std": 1.0}}
    panel.on_event(Snapshot(1, 1, {"activations": stats}))
    assert panel.unit_fractions == {"hidden_1": 75.0, "hidden_2": 25.0}
    assert [label.toPlainText() for label in panel.labels[:2]] == ["75 %", "25 %"]
    assert has_color(pixels(panel), DEAD_COLOR)


def test_in_presentation_mode_at_1280x720_both_plots_have_their_room(main_window,
                                                                     qtbot) -> None:
    """In front, the gradients' stack takes the room the other can spare (as the step-through
    does): both plots at least their least height, the page not scrolled."""
    from PySide6.QtWidgets import QApplication

    from tests.ui.screens import on_screen
    from ui.panels.catalog import find_panel

    window = main_window
    with on_screen(window, qtbot):
        panel = find_panel(window.panels, GradientsPanel)
        window.panel_tabs.show_panel(panel)
        QApplication.processEvents()
        page_scroll = panel.parentWidget().parentWidget().verticalScrollBar()
        assert not page_scroll.isVisible()
        assert panel.plot.height() >= panel.plot.minimumHeight()
        assert panel.units.height() >= panel.units.minimumHeight()
        top, bottom = window.panel_tabs.sizes()
        assert top > bottom
        assert window.statusBar().isVisible()
