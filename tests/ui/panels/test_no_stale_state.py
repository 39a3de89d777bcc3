"""Panels never show stale or misleading state: a new lesson starts from clean axes and labels,
messages name the real reason, legends stay off the data, the shading covers every point."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF

from simulator.training.trainer import EpochEnd, Snapshot
from tests.ui.panels.conftest import chunk
from ui.panels.accuracy_panel import AccuracyPanel
from ui.panels.boundary_panel import NO_SESSION, BoundaryPanel
from ui.panels.gradients_panel import GradientsPanel
from ui.panels.loss_panel import LossPanel
from ui.panels.lr_panel import LearningRatePanel


def test_a_classification_run_after_a_regression_run_says_accuracy(
        qtbot, sine_session, spiral_session) -> None:
    panel = AccuracyPanel()
    qtbot.addWidget(panel)
    panel.reset(sine_session)
    panel.on_event(EpochEnd(1, {"loss": 0.4, "val_loss": 0.5}, 0.1))
    assert panel.axis_title == "loss"
    assert not panel.notice.isHidden()
    panel.reset(spiral_session)
    assert panel.axis_title == "accuracy (%)"
    assert panel.notice.isHidden()
    assert panel.chance.isVisible()
    panel.on_event(EpochEnd(1, {"loss": 0.4, "accuracy": 0.6}, 0.1))
    assert panel.axis_title == "accuracy (%)"
    np.testing.assert_allclose(panel.train_values, [60.0])


@pytest.mark.parametrize("kind", [LossPanel, AccuracyPanel, GradientsPanel])
def test_a_new_lesson_forgets_the_last_runs_axes(qtbot, spiral_session, kind: type) -> None:
    panel = kind()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    panel.on_batches(chunk(np.arange(1, 3001), np.linspace(5.0, 4.0, 3000)))
    panel.on_event(EpochEnd(300, {"loss": 4.0, "accuracy": 0.5}, 0.1))
    panel.plot.getViewBox().setRange(xRange=(250, 300))            # zoomed in, too
    epochs = spiral_session.spec.training.epochs                   # 4
    panel.reset(spiral_session)
    (x0, x1), _ = panel.plot.getViewBox().viewRange()
    assert x0 < 0.5
    assert 0.9 * epochs < x1 < 2 * epochs


def test_the_boundary_message_names_the_real_reason(qtbot, cnn_session, spiral_session) -> None:
    panel = BoundaryPanel()
    qtbot.addWidget(panel)
    panel.reset(None)                 # the design cannot train: nothing about inputs
    assert panel.message.text() == NO_SESSION
    assert "2 inputs" not in panel.message.text()
    panel.reset(cnn_session)          # a real network without 2 inputs: its shapes, named
    assert "1 × 28 × 28" in panel.message.text()
    assert "4 outputs" in panel.message.text()
    panel.reset(spiral_session)
    assert panel.message.isHidden()
    assert not panel.plot.isHidden()


def test_a_plot_whose_every_gradient_vanished_says_so(qtbot, spiral_session) -> None:
    panel = GradientsPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    zero = {name: {"norm": 0.0} for name in spiral_session.network.param_slices}
    dead = {"hidden_1": {"dead_fraction": 1.0, "mean": 0.0, "std": 0.0}}
    panel.on_event(Snapshot(1, 40, {"gradients": zero, "activations": dead}))
    text = panel.notice.text()
    assert not panel.notice.isHidden()
    assert "Every gradient is 0" in text
    assert "hidden_1" in text
    some = dict(zero, **{"output.W": {"norm": 0.5}})
    panel.on_event(Snapshot(2, 80, {"gradients": some}))
    assert "hidden_1, hidden_2" in panel.notice.text()
    assert "output" not in panel.notice.text()
    alive = {name: {"norm": 0.5} for name in spiral_session.network.param_slices}
    panel.on_event(Snapshot(3, 120, {"gradients": alive}))
    assert panel.notice.isHidden()


def _scene_rect(item: pg.GraphicsObject) -> QRectF:
    return item.mapRectToScene(item.boundingRect())


@pytest.mark.parametrize("kind", [LossPanel, AccuracyPanel, LearningRatePanel, GradientsPanel])
def test_legends_sit_outside_the_data(qtbot, spiral_session, kind: type) -> None:
    panel = kind()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    panel.resize(600, 420)
    panel.show()
    qtbot.waitExposed(panel)
    legend = panel.plot.getPlotItem().legend
    assert legend.items                                    # it names the curves
    data_area = _scene_rect(panel.plot.getViewBox())
    box = _scene_rect(legend)
    assert box.height() > 0
    assert not box.intersects(data_area)                   # never over a curve
    assert panel.plot.sceneRect().contains(box)            # and not cut off


def test_the_shading_covers_the_whole_plot_and_every_point(qtbot, spiral_session) -> None:
    panel = BoundaryPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 320)            # far wider than the data: the aspect lock widens x
    panel.show()
    qtbot.waitExposed(panel)
    panel.reset(spiral_session)
    qtbot.wait(400)                   # the area settles, then is shaded (no run is going on)
    (x0, x1), (y0, y1) = panel.plot.getViewBox().viewRange()
    shaded = panel.image.mapRectToView(panel.image.boundingRect())
    assert panel.image.image is not None
    assert shaded.left() <= x0 + 1e-6
    assert shaded.right() >= x1 - 1e-6
    assert shaded.top() <= y0 + 1e-6
    assert shaded.bottom() >= y1 - 1e-6
    points = np.concatenate([spiral_session.x_train, spiral_session.x_val])
    assert (points[:, 0] >= shaded.left()).all()
    assert (points[:, 0] <= shaded.right()).all()
    assert (points[:, 1] >= shaded.top()).all()
    assert (points[:, 1] <= shaded.bottom()).all()
    # The worker's snapshots shade the same area: the probe reads what the plot shows.
    grid = spiral_session.trainer.snapshot().data["decision"]
    np.testing.assert_allclose(grid["bounds"], [x0, x1, y0, y1])


def test_the_grid_covers_the_validation_points_too(spiral_session) -> None:
    x0, x1, y0, y1 = spiral_session.grid_bounds
    points = np.concatenate([spiral_session.x_train, spiral_session.x_val])
    assert x0 < points[:, 0].min()
    assert points[:, 0].max() < x1
    assert y0 < points[:, 1].min()
    assert points[:, 1].max() < y1


def test_the_fitted_curve_after_a_boundary_shows_only_its_own_data(
        qtbot, spiral_session, sine_session) -> None:
    panel = BoundaryPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    panel.on_event(spiral_session.trainer.snapshot())      # shaded over the spiral's area
    panel.reset(sine_session)
    (x0, x1), _ = panel.plot.getViewBox().viewRange()
    points = np.concatenate([sine_session.x_train, sine_session.x_val]).ravel()
    low, high = sine_session.curve_range                   # the curve's inputs
    margin = 0.15 * (high - low)                           # (and autoRange's padding)
    assert low - margin <= x0 <= points.min()              # the data, not the spiral's area
    assert points.max() <= x1 <= high + margin
