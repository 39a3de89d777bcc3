"""The Lesson box names the lesson on screen: a built-in one, or one opened from a file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from ui.design.commands import EditLayer
from ui.shell.presets import available_presets, load_preset


@pytest.fixture
def lesson_file(tmp_path: Path) -> Path:
    xor = load_preset("xor")
    data = {"title": "My own XOR lesson", "description": xor.description,
            "dataset": {"source": xor.dataset_source, "options": xor.dataset_options},
            "network": xor.network}
    path = tmp_path / "my_xor.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_every_built_in_lesson_is_offered_and_the_open_one_is_named(main_window) -> None:
    box = main_window.lesson_box
    assert [box.itemText(i) for i in range(box.count())] == [
        p.title for p in available_presets()]
    assert box.currentData() == "spiral"
    main_window.open_path("circles")
    assert box.currentText() == load_preset("circles").title


def test_a_lesson_opened_from_a_file_is_named_in_the_box(main_window, dialogs,
                                                         lesson_file) -> None:
    box = main_window.lesson_box
    assert main_window.open_path(str(lesson_file))
    assert box.currentText() == "My own XOR lesson (from my_xor.json)"
    assert box.count() == len(available_presets()) + 1
    assert main_window.inspector.title.text() == "My own XOR lesson"
    main_window.open_path("spiral")               # the file's entry goes with its lesson
    assert box.count() == len(available_presets())
    assert box.currentData() == "spiral"


def test_choosing_the_file_lesson_again_opens_it_afresh(main_window, dialogs,
                                                       lesson_file) -> None:
    window, box = main_window, main_window.lesson_box
    window.open_path(str(lesson_file))
    window.stack.push(EditLayer(window.spec, "hidden", {"units": 7}))
    file_entry = box.currentIndex()
    dialogs.question_answer = QMessageBox.StandardButton.Cancel
    box.setCurrentIndex(0)
    box.activated.emit(0)                         # a built-in lesson, then cancelled
    assert box.currentIndex() == file_entry       # the box still names what is on screen
    assert window.spec.layer("hidden").config["units"] == 7
    dialogs.question_answer = QMessageBox.StandardButton.Discard
    box.activated.emit(file_entry)
    assert window.spec.layer("hidden").config["units"] != 7
    assert not window.is_modified()
    assert box.currentText().startswith("My own XOR lesson")


def test_a_network_file_or_a_project_is_no_lesson(main_window, dialogs, tmp_path) -> None:
    path = tmp_path / "net.json"
    path.write_text(json.dumps(load_preset("xor").network), encoding="utf-8")
    assert main_window.open_path(str(path))
    assert main_window.lesson_box.currentIndex() == -1


def test_the_command_line_names_a_lesson_file_too(qapp, tmp_path, lesson_file,
                                                 monkeypatch) -> None:
    from ui.app import run_gui
    from ui.shell.main_window import MainWindow

    named: list[str] = []
    install = MainWindow.install

    def recording(window, opened, source=None) -> None:
        install(window, opened, source)
        named.append(window.lesson_box.currentText())

    monkeypatch.setattr(MainWindow, "install", recording)
    assert run_gui([str(lesson_file), "--screenshot", str(tmp_path / "shot.png")]) == 0
    assert named[-1] == "My own XOR lesson (from my_xor.json)"
