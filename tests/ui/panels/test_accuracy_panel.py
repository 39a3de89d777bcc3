"""The accuracy panel: percent per epoch, a chance line, and a regression fallback."""

from __future__ import annotations

import numpy as np

from simulator.training.trainer import EpochEnd
from tests.ui.panels.conftest import distinct_colors, has_color, pixels
from ui.panels.accuracy_panel import AccuracyPanel, choose_metric
from ui.style.theme import COLORS


def test_accuracy_in_percent_with_chance_level(qtbot, spiral_session) -> None:
    panel = AccuracyPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)              # 3 classes
    assert panel.chance.value() == 100.0 / 3
    for epoch, (train, val) in enumerate([(0.4, 0.35), (0.7, 0.6), (0.9, 0.8)], start=1):
        panel.on_event(EpochEnd(epoch, {"loss": 1.0, "accuracy": train, "val_loss": 1.1,
                                        "val_accuracy": val}, 0.1))
    np.testing.assert_allclose(panel.train_values, [40, 70, 90])
    np.testing.assert_allclose(panel.val_curve.getData()[1], [35, 60, 80])
    np.testing.assert_allclose(panel.train_curve.getData()[0], [1, 2, 3])
    image = pixels(panel)
    assert distinct_colors(image) > 10
    assert has_color(image, COLORS["train"])
    assert has_color(image, COLORS["val"])


def test_missing_validation_leaves_only_the_training_curve(qtbot, spiral_session) -> None:
    panel = AccuracyPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    panel.on_event(EpochEnd(1, {"loss": 1.0, "accuracy": 0.5}, 0.1))
    panel.on_event(EpochEnd(2, {"loss": 0.9, "accuracy": np.nan}, 0.1))
    assert len(panel.train_curve.getData()[0]) == 1
    assert panel.val_curve.getData()[0] is None or len(panel.val_curve.getData()[0]) == 0
    assert distinct_colors(pixels(panel)) > 2


def test_regression_plots_its_own_metric(qtbot, sine_session) -> None:
    assert choose_metric({"loss": 1.0, "val_loss": 1.0, "learning_rate": 0.1}) == "loss"
    assert choose_metric({"loss": 1.0, "mae": 0.3, "val_mae": 0.4}) == "mae"
    panel = AccuracyPanel()
    qtbot.addWidget(panel)
    panel.reset(sine_session)
    assert not panel.chance.isVisible()
    panel.on_event(EpochEnd(1, {"loss": 0.5, "val_loss": 0.6, "learning_rate": 0.1}, 0.1))
    panel.on_event(EpochEnd(2, {"loss": 0.3, "val_loss": 0.4, "learning_rate": 0.1}, 0.1))
    assert panel.metric_name == "loss"
    np.testing.assert_allclose(panel.train_values, [0.5, 0.3])
    np.testing.assert_allclose(panel.validation_values, [0.6, 0.4])
    assert not panel.notice.isHidden()
