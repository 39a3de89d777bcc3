"""The confusion matrix: counts as colours, the numbers written in the cells."""

from __future__ import annotations

import numpy as np

from simulator.training.trainer import EpochEnd
from tests.ui.panels.conftest import distinct_colors, has_color, pixels
from ui.panels.confusion_panel import ConfusionPanel


def test_cells_show_the_counts(qtbot, spiral_session) -> None:
    panel = ConfusionPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    assert len(panel.cells) == 9
    matrix = np.array([[10, 2, 0], [1, 12, 3], [0, 0, 14]])
    panel.on_event(EpochEnd(3, {"loss": 0.4}, 0.1, matrix))
    assert panel.cell_texts() == ["10", "2", "0", "1", "12", "3", "0", "0", "14"]
    np.testing.assert_array_equal(panel.image.image, matrix)
    assert panel.image.levels[1] == 14
    image = pixels(panel)
    assert distinct_colors(image) > 10
    assert has_color(image, (255, 255, 255), tolerance=10)     # white numbers on dark cells
    assert "36 of 42" in panel.plot.getPlotItem().titleLabel.text


def test_regression_shows_an_explanation(qtbot, sine_session) -> None:
    panel = ConfusionPanel()
    qtbot.addWidget(panel)
    panel.reset(sine_session)
    assert panel.plot.isHidden()
    assert not panel.notice.isHidden()
    panel.on_event(EpochEnd(1, {"loss": 0.4}, 0.1, None))
    assert panel.matrix is None


def test_matrix_without_a_session_gets_numbered_classes(qtbot) -> None:
    panel = ConfusionPanel()
    qtbot.addWidget(panel)
    panel.on_event(EpochEnd(1, {"loss": 0.4}, 0.1, np.eye(2, dtype=np.int64) * 5))
    assert panel.class_names == ["0", "1"]
    assert panel.cell_texts() == ["5", "0", "0", "5"]
