"""The learning-rate panel: the schedule drawn before training, the live rate on top."""

from __future__ import annotations

import numpy as np

from simulator.optim.schedules import preview
from tests.ui.panels.conftest import chunk, distinct_colors, has_color, pixels
from ui.panels.lr_panel import LearningRatePanel
from ui.style.theme import COLORS


def test_schedule_preview_is_drawn_on_reset(qtbot, spiral_session) -> None:
    panel = LearningRatePanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    trainer = spiral_session.trainer
    steps = trainer.steps_per_epoch
    expected = preview({"type": "step", "every_epochs": 2, "factor": 0.5}, 0.02, 4, steps)
    np.testing.assert_allclose(panel.planned, expected)
    x, y = panel.planned_curve.getData()
    assert len(x) == 4 * steps
    assert x[-1] == 4.0
    assert y[0] == 0.02
    assert y[-1] == 0.01                       # halved after epoch 2
    image = pixels(panel)
    assert distinct_colors(image) > 10
    assert has_color(image, (170, 170, 170), tolerance=25)


def test_live_rate_follows_then_departs_from_the_plan(qtbot, spiral_session) -> None:
    panel = LearningRatePanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    planned = panel.planned
    panel.on_batches(chunk(np.arange(1, 11), np.ones(10), planned[:10]))
    assert panel.departed_at is None
    assert panel.notice.isHidden()
    rates = planned[10:20].copy()
    rates[5:] *= 0.1                             # a plateau reduction at step 16
    panel.on_batches(chunk(np.arange(11, 21), np.ones(10), rates))
    assert panel.departed_at == 16
    assert not panel.notice.isHidden()
    assert panel.live_rates.size == 20
    assert len(panel.live_curve.getData()[0]) == 20
    assert has_color(pixels(panel), COLORS["accent"])


def test_a_bad_schedule_is_reported_not_raised(qtbot, spiral_session) -> None:
    panel = LearningRatePanel()
    qtbot.addWidget(panel)
    spiral_session.spec.training.schedule = {"type": "step", "every_epochs": 0}
    panel.reset(spiral_session)
    assert panel.planned.size == 0
    assert "schedule" in panel.notice.text()
