"""The dataset view: a scatter, an image grid with class rows, or a table; and class counts."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from simulator.data import Dataset, load_dataset
from tests.ui.panels.conftest import distinct_colors, has_color, pixels
from ui.panels.data_panel import DataPanel
from ui.panels.parts.data_views import PER_CLASS, class_counts, to_display
from ui.shell.panel_tabs import PanelPage
from ui.style.theme import (
    PRESENTATION_SCALE,
    TICK_FONT_PT,
    class_color,
    plot_font,
    restyle,
    set_plot_scale,
)


def test_two_dimensional_set_is_a_scatter_with_counts(qtbot, spiral_session) -> None:
    panel = DataPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    assert panel.view_kind == "scatter"
    assert len(panel.scatter.data) == 120
    np.testing.assert_array_equal(panel.counts.bars.opts["width"], [40, 40, 40])
    assert panel.counts.label_texts() == ["40", "40", "40"]
    assert "spiral" in panel.caption.text()
    assert "Preprocessing: auto: standardize (each feature" in panel.caption.text()
    image = pixels(panel)
    assert distinct_colors(image) > 10
    assert has_color(image, class_color(2))


def test_image_set_is_a_grid_with_one_row_per_class(qtbot, cnn_session) -> None:
    panel = DataPanel()
    qtbot.addWidget(panel)
    panel.reset(cnn_session)
    assert panel.view_kind == "images"
    grid = panel.images
    assert (grid.mosaic.rows, grid.mosaic.columns) == (4, PER_CLASS)
    assert grid.image.image.shape == (4 * 30 - 2, PER_CLASS * 30 - 2, 3)
    labels = cnn_session.dataset.y[grid.indices[grid.indices >= 0]]
    np.testing.assert_array_equal(labels, np.repeat(np.arange(4), PER_CLASS))
    with qtbot.waitSignal(panel.sample_chosen) as chosen:
        panel.sample_chosen.emit(int(grid.indices[PER_CLASS]))
    assert cnn_session.dataset.y[chosen.args[0]] == 1
    assert distinct_colors(pixels(panel)) > 10


def test_tabular_set_is_a_table(qtbot) -> None:
    panel = DataPanel()
    qtbot.addWidget(panel)
    panel.show_dataset(load_dataset("course_table"))
    assert panel.view_kind == "table"
    assert panel.table.rowCount() == 4
    assert panel.table.columnCount() == 4
    assert panel.table.horizontalHeaderItem(3).text() == "target"


def test_regression_set_shows_target_histogram(qtbot, sine_session) -> None:
    panel = DataPanel()
    qtbot.addWidget(panel)
    panel.reset(sine_session)
    assert panel.view_kind == "scatter"
    assert panel.counts.bars.opts["height"].sum() == 80
    panel.reset(None)
    assert panel.view_kind == "none"


def test_display_helpers() -> None:
    data = Dataset("tiny", np.zeros((3, 2)), np.array([0, 2, 2]))
    np.testing.assert_array_equal(class_counts(data), [1, 0, 2])
    images = np.linspace(0, 16, 2 * 3 * 2 * 2).reshape(2, 3, 2, 2)
    rgb = to_display(images)
    assert rgb.shape == (2, 2, 2, 3)
    assert rgb.dtype == np.uint8
    assert rgb.min() == 0
    assert rgb.max() == 255


def test_class_rows_never_overlap_on_a_short_page_even_with_large_text(qtbot) -> None:
    classes = 10                                  # as the digits: a row each
    panel = DataPanel()
    panel.show_dataset(Dataset("ten", np.zeros((40, 3)), np.arange(40) % classes,
                               class_names=[f"class {i}" for i in range(classes)]))
    page = PanelPage(panel)
    qtbot.addWidget(page)
    page.resize(500, 150)                         # a short page: it scrolls instead
    page.show()
    try:
        for scale in (1.0, PRESENTATION_SCALE):
            set_plot_scale(scale)
            restyle(page)
            QApplication.processEvents()
            line = QFontMetrics(plot_font(TICK_FONT_PT)).height()
            rows = panel.counts.getPlotItem().getViewBox().height() / classes
            assert rows >= line * 0.95            # each class's row holds its name and count
    finally:
        set_plot_scale(1.0)
        restyle(page)
