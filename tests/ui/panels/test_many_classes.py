"""Thousands of classes: the panels draw a bounded amount and say what they left out."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from simulator.data import Dataset
from simulator.spec import NetworkSpec
from simulator.training.metrics import MAX_CONFUSION_CLASSES
from simulator.training.trainer import EpochEnd
from ui.panels.confusion_panel import MAX_SHOWN_CLASSES, ConfusionPanel, most_confused
from ui.panels.data_panel import DataPanel
from ui.panels.parts.activation_rows import OutputRow
from ui.style.theme import MAX_LABELLED_CLASSES
from ui.training.session import build_session


def session_with(classes: int, samples: int | None = None):
    n = samples or 2 * classes
    data = Dataset("many", np.random.default_rng(0).normal(size=(n, 3)), np.arange(n) % classes,
                   class_names=[f"class {i}" for i in range(classes)])
    spec = NetworkSpec.from_dict({"input_shape": [3], "layers": [
        {"type": "Dense", "units": classes}, {"type": "Softmax"}],
        "training": {"validation_split": 0}})
    return build_session(spec, data)


def test_most_confused_picks_the_classes_with_the_most_mistakes() -> None:
    matrix = np.diag([50, 50, 50, 50, 50])
    matrix[3, 1] = 7    # 3 taken for 1
    matrix[4, 3] = 2
    assert most_confused(matrix, 3).tolist() == [1, 3, 4]


def test_a_large_matrix_shows_the_most_confused_classes_and_says_so(qtbot) -> None:
    panel = ConfusionPanel()
    qtbot.addWidget(panel)
    session = session_with(300)
    panel.reset(session)
    assert panel.cells == []   # nothing built for 300 classes before a matrix comes
    matrix = np.diag(np.full(300, 9))
    matrix[250, 17] = 5
    matrix[17, 250] = 4
    panel.on_event(EpochEnd(2, {"loss": 1.0}, 0.1, matrix))
    assert len(panel.shown) == MAX_SHOWN_CLASSES
    assert {17, 250} <= set(panel.shown)
    assert len(panel.cells) == MAX_SHOWN_CLASSES ** 2
    assert panel.image.image.shape == (MAX_SHOWN_CLASSES, MAX_SHOWN_CLASSES)
    assert panel.notice.text() == f"The {MAX_SHOWN_CLASSES} most confused of 300 classes"
    assert not panel.notice.isHidden()
    assert "2700 of 2709 right" in panel.plot.getPlotItem().titleLabel.text
    ticks = panel.plot.getAxis("left")._tickLevels[0]
    assert "class 250" in [name for _, name in ticks]


def test_no_matrix_for_tens_of_thousands_of_classes_is_explained(qtbot) -> None:
    panel = ConfusionPanel()
    qtbot.addWidget(panel)
    panel.reset(session_with(MAX_CONFUSION_CLASSES + 1, samples=100))
    panel.on_event(EpochEnd(1, {"loss": 1.0, "accuracy": 0.0}, 0.1, None))
    assert not panel.notice.isHidden()
    assert f"No confusion matrix for {MAX_CONFUSION_CLASSES + 1:,} classes" in \
        panel.notice.text()


def test_the_data_and_output_views_write_no_text_per_class_beyond_a_size(qtbot) -> None:
    panel = DataPanel()
    qtbot.addWidget(panel)
    session = session_with(MAX_LABELLED_CLASSES + 1)
    panel.reset(session)
    assert panel.counts.label_texts() == []
    assert "too many to name" in panel.counts.getPlotItem().titleLabel.text
    layout = pg.GraphicsLayoutWidget()
    qtbot.addWidget(layout)
    row = OutputRow(layout.ci, 0, "output", session.dataset.class_names)
    assert row.texts == []
    row.show(np.full(MAX_LABELLED_CLASSES + 1, 1 / (MAX_LABELLED_CLASSES + 1)))
    few = OutputRow(layout.ci, 2, "output", ["a", "b"])
    assert len(few.texts) == 2
