"""Help ▸ Lessons and Help ▸ About; Redo on Ctrl+Y and Ctrl+Shift+Z besides the platform's."""

from __future__ import annotations

import sys
from importlib import metadata

import numpy as np
import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from simulator.version import __version__
from ui.design.commands import EditLayer
from ui.shell.help_menu import LessonsDialog, about_text
from ui.shell.presets import available_presets


def menu_actions(window, title: str) -> dict[str, object]:
    (menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == title]
    return {a.text(): a for a in menu.actions() if a.text()}


def test_about_names_the_version_the_libraries_and_the_backend(main_window,
                                                               monkeypatch) -> None:
    shown = []
    monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda _p, t, text: shown.append(text)))
    menu_actions(main_window, "&Help")["&About Backprop Studio"].trigger()
    (text,) = shown
    assert f"Backprop Studio {__version__}" in text
    assert f"numpy</td><td>&nbsp;{np.__version__}" in text
    assert metadata.version("pyqtgraph") in text
    assert "NumPy (CPU), float32" in text


def test_about_without_a_session_still_says_what_it_computes_on() -> None:
    assert "Computing on:</b> NumPy" in about_text("NumPy (CPU)")


def test_lessons_lists_every_lesson_and_opens_the_chosen_one(qtbot) -> None:
    opened = []
    dialog = LessonsDialog(opened.append)
    qtbot.addWidget(dialog)
    presets = available_presets()
    assert dialog.list.count() == len(presets)
    dialog.list.setCurrentRow(2)
    assert dialog.text.text() == presets[2].description
    dialog._open()
    assert [p.key for p in opened] == [presets[2].key]


def test_the_lessons_item_opens_the_dialog(main_window, monkeypatch) -> None:
    seen = []
    monkeypatch.setattr(LessonsDialog, "exec", lambda self: seen.append(self.list.count()))
    menu_actions(main_window, "&Help")["&Lessons…"].trigger()
    assert seen == [len(available_presets())]


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS keeps its own Redo only")
@pytest.mark.parametrize("keys", ["Ctrl+Y", "Ctrl+Shift+Z"])
def test_redo_answers_both_habits(main_window, keys: str) -> None:
    window = main_window
    redo = menu_actions(window, "&Edit")
    (action,) = [a for text, a in redo.items() if text.startswith("&Redo")]
    assert QKeySequence(keys) in action.shortcuts()
    window.stack.push(EditLayer(window.spec, "hidden_1", {"units": 7}))
    window.stack.undo()
    assert window.spec.layer("hidden_1").config["units"] != 7
    action.trigger()
    assert window.spec.layer("hidden_1").config["units"] == 7
