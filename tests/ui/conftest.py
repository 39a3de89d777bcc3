"""Qt test fixtures: every test must leave no training thread running, and no dialog blocks."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ui.style.theme import configure_plots
from ui.training import controller as controller_module
from ui.training import discard_prompt, resume_prompt
from ui.training.pacing import HOLD, PACE


@pytest.fixture(autouse=True)
def _no_dangling_training_threads(qapp) -> Iterator[None]:
    configure_plots()
    PACE.restart()          # how busy an earlier test kept this thread is not this test's
    HOLD.release()          # nor a turn an earlier test left on (its event loop may not run)
    yield
    running = [t for t in controller_module.live_threads() if t.isRunning()]
    for thread in running:  # leave the process in a sane state before failing
        thread.quit()
        thread.wait(5000)
    assert not running, f"{len(running)} training thread(s) left running"
    # Collect this test's widgets now, while the application exists: Qt objects garbage-
    # collected only at interpreter exit (after pytest's last gc) can crash the process.
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()


@pytest.fixture(autouse=True)
def _log_in_a_temporary_folder(tmp_path_factory, monkeypatch) -> None:
    """What the app logs while a test runs goes to a temporary folder, not the user's."""
    from ui import error_log

    folder = tmp_path_factory.mktemp("log")
    monkeypatch.setattr(error_log, "log_folder", lambda: folder)


@dataclass
class Dialogs:
    """Stand-ins for the modal dialogs: they record what was shown and answer at once."""

    messages: list[tuple[str, str]] = field(default_factory=list)
    #: The answer to "save the changes first?" (Save, Discard or Cancel).
    question_answer: Any = QMessageBox.StandardButton.Discard
    questions: int = 0
    #: What the next file dialogs return (consumed in order); "" means "cancelled".
    paths: list[str] = field(default_factory=list)

    def next_path(self) -> str:
        return self.paths.pop(0) if self.paths else ""


@pytest.fixture
def dialogs(monkeypatch) -> Dialogs:
    record = Dialogs()

    def message(_parent: object, title: str, text: str, *_args: object) -> Any:
        record.messages.append((title, text))
        return QMessageBox.StandardButton.Ok

    def question(*_args: object) -> Any:
        record.questions += 1
        return record.question_answer

    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(message))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *_a, **_k: (record.next_path(), "")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_a, **_k: (record.next_path(), "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *_a, **_k: record.next_path()))
    return record


@pytest.fixture
def main_window(qtbot, monkeypatch):
    from ui.shell.main_window import MainWindow

    # pytest-qt closes the window before fixtures are torn down: unsaved edits must not make
    # that close ask a modal question (tests that check the question use ``dialogs``).
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *_a: QMessageBox.StandardButton.Discard))
    # Train on a loaded or ended run continues it (the tests of the question replace this).
    monkeypatch.setattr(resume_prompt, "ask_resume", lambda *_a: resume_prompt.CONTINUE)
    # Another lesson or an undo after training discards the run without a word (the tests of
    # the question replace this).
    monkeypatch.setattr(discard_prompt, "ask_discard", lambda *_a: discard_prompt.DISCARD)
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    yield window
    window.controller.shutdown()
    pg.mkQApp().processEvents()
