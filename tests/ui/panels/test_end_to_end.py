"""A small CNN trains for real (in-process, no thread) and every default panel follows it."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.training.probes import gradient_stats
from tests.ui.panels.conftest import distinct_colors, pixels
from ui.panels.accuracy_panel import AccuracyPanel
from ui.panels.activations_panel import ActivationsPanel
from ui.panels.catalog import default_panels, find_panel
from ui.panels.confusion_panel import ConfusionPanel
from ui.panels.gradients_panel import GradientsPanel
from ui.panels.loss_panel import LossPanel
from ui.panels.preview import feed, main
from ui.panels.weights_panel import WeightsPanel


def test_cnn_training_feeds_every_panel(qtbot, cnn_session) -> None:
    panels = default_panels()
    for panel in panels:
        qtbot.addWidget(panel)
        panel.reset(cnn_session)
    for _ in feed(cnn_session, panels):
        pass
    steps = cnn_session.trainer.step
    assert cnn_session.trainer.epoch == 2

    maps = find_panel(panels, ActivationsPanel)
    conv1 = maps.maps("conv1")
    conv2 = maps.maps("conv2")
    assert conv1.shape == (4, 26, 26)               # 4 filters of 3×3 on 28×28
    assert conv2.shape == (6, 11, 11)               # after a 2×2 pool: 13 → 11
    row = maps.rows["conv1"]
    assert (row.mosaic.rows * row.mosaic.columns, row.mosaic.tile_height) == (4, 26)
    assert maps.maps("input").shape == (1, 28, 28)
    assert np.isclose(maps.rows["softmax"].values.sum(), 1.0)
    assert distinct_colors(pixels(maps, (600, 800))) > 50

    assert find_panel(panels, LossPanel).batch_losses.size == steps
    confusion = find_panel(panels, ConfusionPanel)
    assert confusion.matrix.sum() == len(cnn_session.x_val)
    assert confusion.epoch == 2
    weights = find_panel(panels, WeightsPanel)
    assert set(weights.histograms) == {"conv1.W", "conv2.W", "output.W"}
    gradients = find_panel(panels, GradientsPanel)
    # The last snapshot is taken at the end of the run: the final update's gradient.
    final = gradient_stats(cnn_session.network)["conv1.W"]["norm"]
    assert gradients.norm_series("conv1.W")[-1] == pytest.approx(final)
    assert len(find_panel(panels, AccuracyPanel).train_values) == 2
    for panel in panels:
        assert distinct_colors(pixels(panel)) > 1, panel.title


def test_preview_saves_every_panel(qtbot, tmp_path) -> None:
    assert main(["--data", "sine", "--seconds", "0.5", "--save", str(tmp_path)]) == 0
    saved = sorted(p.name for p in tmp_path.iterdir())
    assert "sine_loss.png" in saved
    assert len(saved) == 9
