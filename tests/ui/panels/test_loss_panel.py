"""The loss panel: batch curve, smoothed curve and validation points, robust to NaN and Inf."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.training.trainer import EpochEnd, Failed, Started
from tests.ui.panels.conftest import chunk, distinct_colors, has_color, pixels
from ui.panels.loss_panel import SMOOTHING, LossPanel, moving_average
from ui.style.theme import COLORS


def _started(steps_per_epoch: int = 10) -> Started:
    return Started(epochs=5, steps_per_epoch=steps_per_epoch, n_train=100, n_val=20,
                   n_params=50)


def test_curves_grow_with_batches_and_epochs(qtbot, spiral_session) -> None:
    panel = LossPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    panel.on_event(_started())
    losses = np.linspace(1.0, 0.2, 25)
    panel.on_batches(chunk(np.arange(1, 16), losses[:15]))
    panel.on_batches(chunk(np.arange(16, 26), losses[15:]))
    panel.on_event(EpochEnd(1, {"loss": 0.8, "val_loss": 0.9}, 0.1))
    panel.on_event(EpochEnd(2, {"loss": 0.5, "val_loss": 0.6}, 0.1))
    x, y = panel.batch_curve.getData()
    assert len(x) == len(y) == 25
    np.testing.assert_allclose(x[:2], [0.1, 0.2])       # steps / steps_per_epoch
    np.testing.assert_allclose(panel.batch_losses, losses)
    assert panel.smoothed_losses[0] == 1.0
    assert 0.2 < panel.smoothed_losses[-1] < 1.0           # an average lags the batches
    np.testing.assert_allclose(panel.val_curve.getData()[1], [0.9, 0.6])
    image = pixels(panel)
    assert distinct_colors(image) > 10
    assert has_color(image, COLORS["train"])
    assert has_color(image, COLORS["val"])


def test_non_finite_and_huge_losses_do_not_break_the_plot(qtbot, spiral_session) -> None:
    panel = LossPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    panel.on_event(_started())
    values = [0.9, np.nan, 0.8, np.inf, 1e30, -np.inf, 0.7, 0.6]
    panel.on_batches(chunk(np.arange(1, 9), values))
    panel.on_event(EpochEnd(1, {"loss": np.nan, "val_loss": np.inf}, 0.1))
    assert panel.batch_losses.size == 8
    assert np.isfinite(panel.smoothed_losses[-1])
    panel.log_box.setChecked(True)
    assert distinct_colors(pixels(panel)) > 2
    panel.log_box.setChecked(False)
    assert distinct_colors(pixels(panel)) > 2


def test_reset_clears_and_failure_is_explained(qtbot, spiral_session) -> None:
    panel = LossPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    panel.on_batches(chunk([1, 2, 3], [1.0, 0.9, 0.8]))
    panel.on_done(Failed("diverged", "the loss became nan at epoch 1, batch 3", 1, 3))
    assert not panel.notice.isHidden()
    assert "nan" in panel.notice.text()
    panel.reset(spiral_session)
    assert panel.batch_losses.size == 0
    assert panel.batch_curve.getData()[0] is None or len(panel.batch_curve.getData()[0]) == 0
    assert panel.notice.isHidden()


def _legend_names(panel: LossPanel) -> list[str]:
    return [label.text for _, label in panel.legend.items]


def test_the_penalty_is_its_own_series(qtbot, spiral_session) -> None:
    """With a regularizer the trainer reports the data loss as ``loss`` and the L1/L2 penalty
    as ``penalty``: the panel draws the penalty beside the loss curves, not inside them."""
    panel = LossPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    panel.on_event(_started())
    panel.on_event(EpochEnd(1, {"loss": 0.8, "val_loss": 0.9}, 0.1))
    assert "L1/L2 penalty" not in _legend_names(panel)       # a run without a penalty
    panel.on_event(EpochEnd(2, {"loss": 0.6, "penalty": 0.25, "val_loss": 0.7}, 0.1))
    panel.on_event(EpochEnd(3, {"loss": 0.5, "penalty": 0.2, "val_loss": 0.65}, 0.1))
    x, y = panel.penalty_curve.getData()
    np.testing.assert_allclose(x, [2, 3])
    np.testing.assert_allclose(y, [0.25, 0.2])
    np.testing.assert_allclose(panel.validation_losses, [0.9, 0.7, 0.65])
    assert _legend_names(panel).count("L1/L2 penalty") == 1
    assert has_color(pixels(panel), COLORS["accent"])
    panel.reset(spiral_session)
    assert panel.penalties.size == 0
    assert "L1/L2 penalty" not in _legend_names(panel)


def _loop_average(values: list[float], ema: float | None) -> list[float]:
    out = []
    for value in values:
        if ema is None or not math.isfinite(ema):
            ema = value
        elif math.isfinite(value):
            ema = (1.0 - SMOOTHING) * ema + SMOOTHING * value
        out.append(ema)
    return out


@pytest.mark.parametrize("start", [None, 0.7, float("nan")])
def test_the_moving_average_is_the_one_value_at_a_time_average(start) -> None:
    """By blocks of array operations, the same as one value at a time (to rounding), over
    long runs of finite values and around values that are not finite."""
    rng = np.random.default_rng(3)
    values = list(np.exp(-np.arange(2000) / 500.0) + 0.1 * rng.random(2000))
    for at, bad in [(0, np.nan), (300, np.inf), (301, np.nan), (1500, -np.inf),
                    (1999, np.nan)]:
        values[at] = bad
    smooth, last = moving_average(np.array(values), start)
    expected = _loop_average(values, start)
    np.testing.assert_allclose(smooth, expected, rtol=1e-12)
    assert last == pytest.approx(expected[-1], rel=1e-12)
    halves = np.concatenate([moving_average(np.array(values[:777]), start)[0],
                             moving_average(np.array(values[777:]),
                                            moving_average(np.array(values[:777]), start)[1])[0]])
    np.testing.assert_allclose(halves, expected, rtol=1e-12)      # chunk by chunk, the same
