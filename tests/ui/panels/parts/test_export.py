"""Panels to the slides: PNG at the chosen width, SVG, the plotted data as CSV, the clipboard."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication, QImage

from tests.ui.shell.test_file_menu import train_a_little
from ui.panels.catalog import find_panel
from ui.panels.confusion_panel import ConfusionPanel
from ui.panels.loss_panel import LossPanel
from ui.panels.parts import export
from ui.panels.parts.export import export_csv, export_png, export_svg, render_image


@pytest.fixture
def trained(main_window, qtbot):
    main_window.show()
    train_a_little(main_window, qtbot, epochs=2)
    return main_window


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("width", [800, 2400])
def test_the_png_has_the_chosen_width_and_the_panel_s_proportions(trained, tmp_path,
                                                                  width: int) -> None:
    panel = find_panel(trained.panels, LossPanel)
    path = export_png(panel, tmp_path / "loss.png", width)
    image = QImage(str(path))
    assert image.width() == width
    assert image.height() == round(panel.height() * width / panel.width())
    colours = {image.pixel(x, y) for x in range(0, width, 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 5                         # drawn, not blank


def test_a_width_out_of_range_is_refused(trained) -> None:
    with pytest.raises(ValueError, match="100 to 8000"):
        render_image(find_panel(trained.panels, LossPanel), 20_000)


def test_the_svg_is_a_drawing(trained, tmp_path) -> None:
    text = export_svg(find_panel(trained.panels, LossPanel), tmp_path / "loss.svg").read_text()
    assert text.lstrip().startswith("<?xml")
    assert "<svg" in text
    assert "<path" in text or "<polyline" in text


def test_the_csv_holds_the_plotted_series(trained, tmp_path) -> None:
    panel = find_panel(trained.panels, LossPanel)
    rows = rows_of(export_csv(panel, tmp_path / "loss.csv"))
    batch = [r for r in rows if r["series"] == "batch"]
    np.testing.assert_allclose([float(r["y"]) for r in batch], panel.batch_losses)
    validation = [float(r["y"]) for r in rows if r["series"] == "validation"]
    np.testing.assert_allclose(validation, panel.validation_losses)
    assert {r["plot"] for r in rows} == {"loss"}


def test_the_confusion_matrix_csv_holds_its_cells(trained, tmp_path) -> None:
    panel = find_panel(trained.panels, ConfusionPanel)
    rows = [r for r in rows_of(export_csv(panel, tmp_path / "c.csv"))
            if r["series"].startswith("image")]
    n = panel.matrix.shape[0]
    cells = np.zeros((n, n))
    for r in rows:
        cells[int(float(r["y"])), int(float(r["x"]))] = float(r["value"])
    np.testing.assert_array_equal(cells, panel.matrix)


def test_the_menus_offer_every_panel(trained, dialogs, tmp_path, monkeypatch) -> None:
    window = trained
    entries = {a.text(): a for a in window.file_menu.slides_menu.actions() if a.text()}
    for panel in window.panels:
        assert f"{panel.title} panel" in entries
    loss = find_panel(window.panels, LossPanel)
    (view_menu,) = [a.menu() for a in loss.plot.getViewBox().menu.actions()
                    if a.text() == "Export the Loss panel"]
    actions = {a.text(): a for a in view_menu.actions()}
    monkeypatch.setattr(export, "ask_width", lambda *_a: 640)
    dialogs.paths = [str(tmp_path / "from-menu")]
    actions["Save as &PNG picture…"].trigger()
    assert QImage(str(tmp_path / "from-menu.png")).width() == 640
    actions["&Copy to the clipboard"].trigger()
    assert QGuiApplication.clipboard().image().size() == loss.size() * loss.devicePixelRatio()


def test_formula_like_names_are_neutralised(tmp_path) -> None:
    assert export._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert export._cell("train") == "train"
