"""File ▸ Open Recent (kept across starts) and files dropped on the window, opened by kind."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMenu

from simulator.io import save_model
from ui.shell.drop import FileDrop
from ui.shell.presets import load_preset
from ui.shell.recent_files import MAX_RECENT, RecentFiles
from ui.shell.user_dirs import user_settings


def network_file(folder: Path, name: str = "net.json", preset: str = "xor") -> Path:
    path = folder / name
    path.write_text(json.dumps(load_preset(preset).network), encoding="utf-8")
    return path


def recent_texts(window) -> list[str]:
    window.recent.fill()
    return [a.text() for a in window.file_menu.recent_menu.actions() if a.text()]


def test_opened_and_saved_files_are_listed_newest_first(main_window, dialogs,
                                                        tmp_path: Path) -> None:
    window = main_window
    window.recent.clear()
    first, second = network_file(tmp_path, "a.json"), network_file(tmp_path, "b.json")
    assert window.open_path(str(first))
    assert window.open_path(str(second))
    dialogs.paths = [str(tmp_path / "saved")]
    assert window.file_menu.save_as()
    assert recent_texts(window) == ["&1  saved.bpproj", "&2  b.json", "&3  a.json",
                                    "Clear the list"]
    window.open_path("xor")                                     # a lesson is not a file
    assert len(window.recent.paths()) == 3


def test_the_list_survives_a_restart_and_leaves_out_deleted_files(qapp, tmp_path: Path) -> None:
    settings = user_settings()
    recent = RecentFiles(settings, QMenu(), lambda _p: None)
    recent.clear()
    files = [network_file(tmp_path, f"n{i}.json") for i in range(MAX_RECENT + 2)]
    for path in files:
        recent.add(path)
    files[-1].unlink()
    again = RecentFiles(user_settings(), QMenu(), lambda _p: None)    # a new start
    assert again.paths() == [str(p.resolve()) for p in reversed(files[2:-1])]


def test_a_corrupt_settings_value_reads_as_empty(qapp) -> None:
    settings = user_settings()
    settings.setValue("recent_files", 42)
    assert RecentFiles(settings, QMenu(), lambda _p: None).paths() == []


def test_choosing_a_recent_file_opens_it(main_window, tmp_path: Path) -> None:
    window = main_window
    window.recent.clear()
    path = network_file(tmp_path, preset="circles")
    window.recent.add(path)
    window.recent.fill()
    window.file_menu.recent_menu.actions()[0].trigger()
    assert window.title == "net"
    assert window.spec.to_dict(with_positions=False)["layers"] == \
        load_preset("circles").spec().to_dict(with_positions=False)["layers"]


def drop_on(widget, paths: list[Path]) -> bool:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = QPointF(widget.rect().center())
    enter = QDragEnterEvent(point.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


@pytest.mark.parametrize("where", ["window", "canvas"])
def test_a_dropped_network_file_opens(main_window, tmp_path: Path, where: str) -> None:
    window = main_window
    target = window if where == "window" else window.canvas.view.viewport()
    assert drop_on(target, [network_file(tmp_path)])
    assert window.title == "net"


def test_a_dropped_model_opens_with_its_weights(main_window, tmp_path: Path, qtbot) -> None:
    from tests.ui.shell.test_file_menu import train_a_little

    window = main_window
    train_a_little(window, qtbot, epochs=1)
    weights = window.session.network.get_weights()
    save_model(tmp_path / "m.bpmodel", window.session.network)
    window.open_path("xor")
    assert drop_on(window, [tmp_path / "m.bpmodel"])
    assert window.title == "m"
    for key, value in window.session.network.get_weights().items():
        np.testing.assert_array_equal(value, weights[key])


def test_a_dropped_dataset_is_loaded_and_a_bad_one_reported(main_window, dialogs,
                                                            tmp_path: Path) -> None:
    window = main_window
    good = tmp_path / "points.csv"
    good.write_text("\n".join(f"{i % 7 / 7},{i % 5 / 5},{i % 2}" for i in range(40)) + "\n")
    assert drop_on(window, [good])
    assert window.dataset_choice.source == str(good)
    bad = tmp_path / "broken.csv"
    bad.write_text("a,b\n1,2,3,4\nx\n")
    assert drop_on(window, [bad])
    assert window.dataset_choice.source == str(good)
    assert dialogs.messages[-1][0] == "Cannot open the dataset"


def test_a_broken_dropped_project_is_reported(main_window, dialogs, tmp_path: Path) -> None:
    window = main_window
    bad = tmp_path / "bad.bpproj"
    bad.write_bytes(b"not a zip")
    design = window.spec.to_dict()
    assert drop_on(window, [bad])
    assert dialogs.messages[-1][0] == "Cannot open"
    assert window.spec.to_dict() == design


def test_a_drag_without_files_is_left_to_the_widget(qapp) -> None:
    opened: list[Path] = []
    drop = FileDrop(opened.append, opened.append)
    mime = QMimeData()
    mime.setText("Dense")                       # what the palette drags
    enter = QDragEnterEvent(QPointF(5, 5).toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter.ignore()
    assert not drop.eventFilter(drop, enter)
    assert not enter.isAccepted()
    assert opened == []


def test_a_design_and_a_dataset_dropped_together_both_open(qapp, tmp_path: Path) -> None:
    designs: list[Path] = []
    data: list[Path] = []
    net, csv = network_file(tmp_path), tmp_path / "d.csv"
    csv.write_text("1,2,0\n")
    FileDrop(designs.append, data.append).open([csv, net])
    assert (designs, data) == ([net], [csv])
