"""Asking before a trained run is thrown away (:mod:`ui.shell.run_guard`): another lesson,
dataset or file, or an undo or redo that changes the design it was trained on."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.data import load_dataset
from simulator.io import DatasetChoice
from tests.ui.training_runs import train_to_the_end
from ui.design.commands import EditLayer, MoveLayers
from ui.shell.presets import load_preset
from ui.training import discard_prompt


@pytest.fixture
def short_run(main_window):
    """The perceptron lesson with a two-epoch run, not trained yet."""
    window = main_window
    assert window.open_path("perceptron")
    window.spec.training.epochs = 2
    window.reset()
    return window


@pytest.fixture
def trained(short_run, qtbot):
    train_to_the_end(short_run, qtbot)
    return short_run


def _answer(monkeypatch, answer: str | None) -> list[tuple[int, bool]]:
    asked: list[tuple[int, bool]] = []

    def ask(_parent: object, epochs: int, can_save: bool) -> str | None:
        asked.append((epochs, can_save))
        return answer

    monkeypatch.setattr(discard_prompt, "ask_discard", ask)
    return asked


def _never_asked(monkeypatch) -> None:
    monkeypatch.setattr(discard_prompt, "ask_discard",
                        lambda *_a: pytest.fail("the trained-run question was asked"))


def _weights(window) -> dict[str, np.ndarray]:
    return window.session.network.get_weights()


def _same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_cancel_on_a_lesson_switch_keeps_the_run_exactly(trained, monkeypatch, qtbot) -> None:
    window = trained
    asked = _answer(monkeypatch, None)
    session, step, weights = window.session, window.session.trainer.step, _weights(window)
    box = window.lesson_box
    xor = box.findData("xor")
    box.setCurrentIndex(xor)
    box.activated.emit(xor)
    qtbot.wait(10)                                  # a queued reset would run now
    assert asked == [(2, True)]
    assert window.session is session
    assert session.trainer.step == step
    assert _same(_weights(window), weights)
    assert box.currentData() == "perceptron"        # the box still names what is on screen
    assert window.title == load_preset("perceptron").title


def test_discard_on_a_lesson_switch_opens_the_lesson_afresh(trained, monkeypatch) -> None:
    window = trained
    asked = _answer(monkeypatch, discard_prompt.DISCARD)
    old = window.session
    window.new_from_preset(load_preset("xor"))
    assert asked == [(2, True)]
    assert window.session is not old
    assert window.session.trainer.step == 0
    assert window.title == load_preset("xor").title


def test_save_project_saves_the_run_then_switches(trained, monkeypatch, dialogs,
                                                  tmp_path) -> None:
    window = trained
    _answer(monkeypatch, discard_prompt.SAVE)
    dialogs.paths.append(str(tmp_path / "kept.bpproj"))
    weights = _weights(window)
    window.new_from_preset(load_preset("xor"))
    assert window.title == load_preset("xor").title
    _never_asked(monkeypatch)                       # the reopened run is in its file
    assert window.open_path(str(tmp_path / "kept.bpproj"))
    assert window.session.trainer.step > 0
    assert _same(_weights(window), weights)
    window.new_from_preset(load_preset("xor"))
    assert window.title == load_preset("xor").title


def test_nothing_is_asked_before_any_training(short_run, monkeypatch) -> None:
    window = short_run
    _never_asked(monkeypatch)
    window.stack.push(EditLayer(window.spec, "neuron", {"activation": "tanh"}))
    window.stack.clear()                            # no unsaved changes either
    window.new_from_preset(load_preset("xor"))
    assert window.title == load_preset("xor").title
    window.stack.push(EditLayer(window.spec, "hidden", {"units": 3}))
    assert window.undo()
    assert window.spec.layer("hidden").config["units"] != 3


def test_a_saved_run_is_not_asked_about(trained, monkeypatch, dialogs, tmp_path) -> None:
    window = trained
    dialogs.paths.append(str(tmp_path / "run.bpproj"))
    assert window.file_menu.save()
    _never_asked(monkeypatch)
    window.new_from_preset(load_preset("xor"))
    assert window.title == load_preset("xor").title


def test_an_undo_after_training_asks_and_cancel_keeps_design_and_weights(
        short_run, qtbot, monkeypatch) -> None:
    window = short_run
    window.stack.push(EditLayer(window.spec, "neuron", {"activation": "tanh"}))
    qtbot.waitUntil(lambda: not window.session_is_stale())     # rebuilt for the edit
    train_to_the_end(window, qtbot)
    asked = _answer(monkeypatch, None)
    session, weights, index = window.session, _weights(window), window.stack.index()
    window.menus.undo.trigger()
    qtbot.wait(10)
    assert asked == [(2, True)]                     # asked with the design still as trained
    assert window.stack.index() == index
    assert window.spec.layer("neuron").config["activation"] == "tanh"
    assert window.session is session
    assert not window.session_is_stale()
    assert _same(_weights(window), weights)


def test_discard_on_an_undo_takes_the_step_and_resets(short_run, qtbot, monkeypatch) -> None:
    window = short_run
    window.stack.push(EditLayer(window.spec, "neuron", {"activation": "tanh"}))
    qtbot.waitUntil(lambda: not window.session_is_stale())
    train_to_the_end(window, qtbot)
    asked = _answer(monkeypatch, discard_prompt.DISCARD)
    old = window.session
    window.menus.undo.trigger()
    assert asked == [(2, True)]
    assert window.spec.layer("neuron").config["activation"] == "sigmoid"
    qtbot.waitUntil(lambda: window.session is not old)
    assert window.session.trainer.step == 0
    asked.clear()
    window.menus.redo.trigger()                     # nothing trained since: no question
    assert asked == []
    assert window.spec.layer("neuron").config["activation"] == "tanh"


def test_an_undo_that_only_moves_a_box_does_not_ask(trained, monkeypatch) -> None:
    window = trained
    _never_asked(monkeypatch)
    session = window.session
    window.stack.push(MoveLayers(window.spec, {"neuron": (400.0, 40.0)}))
    assert window.undo()
    assert window.session is session
    assert not window.session_is_stale()


def test_another_dataset_after_training_asks(trained, monkeypatch) -> None:
    window = trained
    asked = _answer(monkeypatch, None)
    before, session = window.dataset, window.session
    choice = DatasetChoice("xor", {})
    assert not window.set_dataset(load_dataset("xor"), choice)
    assert asked == [(2, True)]
    assert window.dataset is before
    assert window.session is session
    assert window.dataset_choice is not None
    assert window.dataset_choice.source != "xor"
    _answer(monkeypatch, discard_prompt.DISCARD)
    assert window.file_menu.load_data("xor")
    assert window.dataset_choice.source == "xor"
    assert window.session is not session


def test_the_dialog_offers_discard_cancel_and_save_when_it_can(qapp) -> None:
    box = discard_prompt.discard_dialog(None, 3, can_save=True)
    assert box.windowTitle() == "Discard the trained run?"
    assert sorted(b.text() for b in box.buttons()) == ["Cancel", "Discard", "Save project…"]
    assert "3 epochs" in box.text()
    box.deleteLater()
    box = discard_prompt.discard_dialog(None, 1, can_save=False)
    assert sorted(b.text() for b in box.buttons()) == ["Cancel", "Discard"]
    box.deleteLater()


def test_shaping_the_data_after_training_asks_first(main_window, monkeypatch, qtbot) -> None:
    """The Data tab's sliders and the point editing start a fresh session too: Cancel keeps
    the run and the data as they were; Discard regenerates."""
    window = main_window
    assert window.open_path("xor")
    window.spec.training.epochs = 2
    window.reset()
    train_to_the_end(window, qtbot)
    asked = _answer(monkeypatch, None)
    session, weights, choice = window.session, _weights(window), window.dataset_choice
    window.data_hookup.set_option("noise", 0.3)
    window.data_hookup.set_validation(0.3)
    qtbot.wait(10)
    assert len(asked) == 2
    assert window.session is session
    assert _same(_weights(window), weights)
    assert window.dataset_choice == choice
    assert window.spec.training.validation_split != 0.3
    _answer(monkeypatch, "discard")
    window.data_hookup.set_option("noise", 0.3)
    assert window.dataset_choice.options["noise"] == 0.3
    assert window.session is not session
