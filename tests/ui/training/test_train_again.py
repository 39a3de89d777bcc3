"""Pressing Train after a finished run asks: continue training, or start again (the same
question a reopened run gets, :mod:`ui.training.resume_prompt`)."""

from __future__ import annotations

import pytest

from simulator.training.trainer import Finished
from ui.training import resume_prompt


@pytest.fixture
def finished(main_window, qtbot):
    window = main_window
    assert window.open_path("perceptron")
    window.spec.training.epochs = 2        # a short run (the session is rebuilt below)
    window.reset()
    window.controller.set_speed(None)
    with qtbot.waitSignal(window.training_finished, timeout=30_000) as done:
        window.train()
    assert isinstance(done.args[0], Finished)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=5_000)
    return window


def _answer(monkeypatch, choice: str) -> list[int]:
    asked: list[int] = []

    answers = {"continue": resume_prompt.CONTINUE, "again": resume_prompt.RESTART,
               "cancel": None}

    def ask(_parent: object, _done: int, planned: int) -> str | None:
        asked.append(planned)
        return answers[choice]

    monkeypatch.setattr(resume_prompt, "ask_resume", ask)
    return asked


def test_continue_trains_the_same_weights_further(finished, qtbot, monkeypatch) -> None:
    window = finished
    asked = _answer(monkeypatch, "continue")
    session, step = window.session, window.session.trainer.step
    with qtbot.waitSignal(window.training_finished, timeout=30_000):
        window.train()
    assert asked == [2]
    assert window.session is session
    assert session.trainer.completed_epochs == 4
    assert session.trainer.step == 2 * step


def test_start_again_builds_new_weights(finished, qtbot, monkeypatch) -> None:
    window = finished
    _answer(monkeypatch, "again")
    session = window.session
    with qtbot.waitSignal(window.training_finished, timeout=30_000):
        window.train()
    assert window.session is not session
    assert window.session.trainer.completed_epochs == 2


def test_cancel_leaves_the_finished_run_alone(finished, monkeypatch) -> None:
    window = finished
    asked = _answer(monkeypatch, "cancel")
    session = window.session
    window.training.train_or_pause()             # Space
    assert asked == [2]
    assert window.session is session
    assert not window.controller.running
