"""A reopened project looks as it was saved, and Train asks to continue it or start again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.io import load_project
from simulator.training.trainer import EpochEnd, Started
from tests.ui.shell.test_file_menu import train_a_little
from ui.panels.accuracy_panel import AccuracyPanel
from ui.panels.boundary_panel import BoundaryPanel
from ui.panels.catalog import find_panel
from ui.panels.confusion_panel import ConfusionPanel
from ui.panels.loss_panel import LossPanel
from ui.training import resume_prompt


@pytest.fixture
def reopened(main_window, qtbot, dialogs, tmp_path: Path):
    window = main_window
    train_a_little(window, qtbot, epochs=3)
    dialogs.paths = [str(tmp_path / "run.bpproj")]
    assert window.file_menu.save_as()
    window.open_path("xor")
    assert window.open_path(str(tmp_path / "run.bpproj"))
    return window, load_project(tmp_path / "run.bpproj")


def test_the_panels_are_drawn_from_the_saved_history(reopened) -> None:
    window, project = reopened
    history = project.history
    epochs = len(history["loss"])
    assert epochs >= 3
    loss = find_panel(window.panels, LossPanel)
    np.testing.assert_allclose(loss.smoothed_losses, history["loss"])
    np.testing.assert_allclose(loss.validation_losses, history["val_loss"])
    accuracy = find_panel(window.panels, AccuracyPanel)
    np.testing.assert_allclose(accuracy.train_values, np.array(history["accuracy"]) * 100)
    confusion = find_panel(window.panels, ConfusionPanel)
    assert confusion.epoch == epochs
    assert confusion.matrix.sum() == len(window.session.x_val)
    boundary = find_panel(window.panels, BoundaryPanel)
    assert boundary.image.image is not None
    assert window.progress.value() == epochs
    assert "Trained for" in window.status_label.text()


def test_train_on_a_reopened_run_can_continue_it_exactly(reopened, qtbot, monkeypatch) -> None:
    window, project = reopened
    asked = []
    monkeypatch.setattr(resume_prompt, "ask_resume",
                        lambda _w, done, planned: asked.append((done, planned)) or "continue")
    epochs = project.trainer_state["epoch"]
    with qtbot.waitSignal(window.controller.happened, timeout=30_000,
                          check_params_cb=lambda e: isinstance(e, Started)) as started:
        window.train()
    window.stop_training()
    assert asked == [(epochs, window.spec.training.epochs)]
    assert started.args[0].initial_epoch == epochs


def test_train_on_a_reopened_run_can_start_again(reopened, qtbot, monkeypatch) -> None:
    window, project = reopened
    monkeypatch.setattr(resume_prompt, "ask_resume", lambda *_a: resume_prompt.RESTART)
    window.controller.set_speed(20.0)   # (at full speed it may outrun the saved run by the stop)
    with qtbot.waitSignal(window.controller.happened, timeout=30_000,
                          check_params_cb=lambda e: isinstance(e, Started)) as started:
        window.train()
    window.stop_training()
    assert started.args[0].initial_epoch == 0
    assert len(find_panel(window.panels, LossPanel).validation_losses) < len(
        project.history["val_loss"])             # the plots were cleared


def test_cancel_leaves_the_run_as_it_was(reopened, monkeypatch) -> None:
    window, _ = reopened
    monkeypatch.setattr(resume_prompt, "ask_resume", lambda *_a: None)
    step = window.session.trainer.step
    window.train()
    assert not window.controller.running
    assert window.session.trainer.step == step


def test_a_run_stopped_by_hand_continues_without_asking(main_window, qtbot,
                                                        monkeypatch) -> None:
    window = main_window
    train_a_little(window, qtbot, epochs=1)
    monkeypatch.setattr(resume_prompt, "ask_resume", lambda *_a: pytest.fail("asked"))
    with qtbot.waitSignal(window.controller.happened, timeout=30_000,
                          check_params_cb=lambda e: isinstance(e, EpochEnd)):
        window.train()
    window.stop_training()


def test_the_question_names_the_epochs(qapp) -> None:
    box = resume_prompt.resume_dialog(None, 40, 40)
    assert "40 epochs" in box.text()
    assert "40 more epochs" in box.informativeText()
    assert {b.text() for b in box.buttons()} >= {"Continue", "Start again"}
    box.deleteLater()
