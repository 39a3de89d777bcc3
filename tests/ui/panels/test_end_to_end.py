"""A small CNN trains for real (in-process, no thread) and every default panel follows it."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.training.probes import gradient_stats
from simulator.training.trainer import BatchEnd, Failed, Finished
from tests.ui.panels.conftest import distinct_colors, pixels
from ui.panels.accuracy_panel import AccuracyPanel
from ui.panels.activations_panel import ActivationsPanel
from ui.panels.base import Panel
from ui.panels.catalog import default_panels, find_panel
from ui.panels.confusion_panel import ConfusionPanel
from ui.panels.gradients_panel import GradientsPanel
from ui.panels.loss_panel import LossPanel
from ui.panels.weights_panel import WeightsPanel
from ui.training.session import TrainingSession
from ui.training.worker import BatchChunk

#: Batches handed over together, as the worker coalesces them.
CHUNK = 8


def feed(session: TrainingSession, panels: list[Panel]) -> None:
    """Train in this thread and hand every event to ``panels`` the way the worker does."""
    buffer: list[BatchEnd] = []

    def flush() -> None:
        if buffer:
            chunk = BatchChunk(np.array([e.step for e in buffer], dtype=np.int64),
                               np.array([e.loss for e in buffer], dtype=np.float64),
                               np.array([e.learning_rate for e in buffer]), buffer[-1])
            buffer.clear()
            for panel in panels:
                panel.on_batches(chunk)

    for event in session.trainer.run():
        if isinstance(event, BatchEnd):
            buffer.append(event)
            if len(buffer) == CHUNK:
                flush()
            continue
        flush()
        for panel in panels:
            if isinstance(event, Finished | Failed):
                panel.on_done(event)
            else:
                panel.on_event(event)


def test_cnn_training_feeds_every_panel(qtbot, cnn_session) -> None:
    panels = default_panels()
    for panel in panels:
        qtbot.addWidget(panel)
        panel.reset(cnn_session)
    cnn_session.trainer.snapshot_interval = 0.0          # a snapshot after every batch
    feed(cnn_session, panels)
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

