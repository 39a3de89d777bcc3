"""The training settings edit the spec's training section through undo commands, and only
with values the engine accepts."""

from __future__ import annotations

import pytest

from tests.ui.editors.conftest import type_into
from ui.editors.training_settings import TrainingSettings


@pytest.fixture
def settings(qtbot, stack, spec) -> TrainingSettings:
    widget = TrainingSettings(stack)
    qtbot.addWidget(widget)
    widget.set_spec(spec)
    return widget


def test_training_settings_edit_the_training_section(settings, spec, stack) -> None:
    assert settings.fields["epochs"].text() == "300"
    assert settings.fields["optimizer"].currentText() == "adam"
    type_into(settings.fields["epochs"], "40")
    type_into(settings.fields["batch_size"], "8")
    type_into(settings.fields["l2"], "0.001")
    type_into(settings.fields["early_stopping.patience"], "7")
    assert spec.training.epochs == 40
    assert spec.training.batch_size == 8
    assert spec.training.regularizer == {"l2": 0.001}
    assert spec.training.early_stopping == {"patience": 7}
    assert stack.count() == 4
    type_into(settings.fields["l1"], "0.01")
    assert spec.training.regularizer == {"l2": 0.001, "l1": 0.01}   # elastic net
    while stack.canUndo():
        stack.undo()
    assert spec.training.epochs == 300
    assert spec.training.regularizer is None


def test_switching_optimizer_shows_its_hyperparameters(settings, spec) -> None:
    assert "opt.beta_1" in settings.fields
    optimizer = settings.fields["optimizer"]
    optimizer.setCurrentText("sgd")
    optimizer.activated.emit(optimizer.currentIndex())
    assert spec.training.optimizer == {"type": "sgd", "learning_rate": 0.01}
    assert "opt.momentum" in settings.fields
    assert "opt.beta_1" not in settings.fields
    type_into(settings.fields["opt.momentum"], "0.9")
    assert spec.training.optimizer["momentum"] == 0.9


def test_choosing_a_schedule_shows_its_options(settings, spec) -> None:
    schedule = settings.fields["schedule"]
    schedule.setCurrentText("step")
    schedule.activated.emit(schedule.currentIndex())
    assert spec.training.schedule == {"type": "step"}
    type_into(settings.fields["sched.every_epochs"], "10")
    assert spec.training.schedule == {"type": "step", "every_epochs": 10}
    schedule.setCurrentText("warmup")
    schedule.activated.emit(schedule.currentIndex())
    assert spec.training.schedule["type"] == "warmup"
    schedule.setCurrentText("none")
    schedule.activated.emit(schedule.currentIndex())
    assert spec.training.schedule is None
    assert not any(key.startswith("sched.") for key in settings.fields)


def test_invalid_training_values_are_refused(settings, spec, stack) -> None:
    before = spec.training.to_dict()
    for key, text in [("learning_rate", "-1"), ("epochs", "0"), ("validation_split", "1.5"),
                      ("batch_size", "many")]:
        type_into(settings.fields[key], text)
        assert settings.error.isVisibleTo(settings)
    assert spec.training.to_dict() == before
    assert stack.count() == 0


def test_a_learning_rate_edit_is_announced_for_live_training(settings, spec) -> None:
    seen: list[float] = []
    settings.learning_rate_changed.connect(seen.append)
    type_into(settings.fields["learning_rate"], "0.003")
    assert spec.training.optimizer["learning_rate"] == 0.003
    assert seen == [0.003]
