"""The inspector and the training settings edit the spec through undo commands, and only with
values the engine accepts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QTableWidget

from simulator.spec import INPUT, LayerSpec, NetworkSpec
from ui.editors.forms import BoolField, ChoiceField, ValueField, format_value, parse_value
from ui.editors.inspector import Inspector
from ui.editors.training_settings import TrainingSettings
from ui.shell.presets import load_preset


@pytest.fixture
def stack(qapp) -> Iterator[QUndoStack]:
    stack = QUndoStack()
    yield stack
    stack.clear()   # delete the commands now, not at some later garbage collection


@pytest.fixture
def spec() -> NetworkSpec:
    return load_preset("spiral").spec()


@pytest.fixture
def inspector(qtbot, stack, spec) -> Inspector:
    widget = Inspector(stack)
    qtbot.addWidget(widget)
    widget.set_spec(spec)
    return widget


@pytest.fixture
def settings(qtbot, stack, spec) -> TrainingSettings:
    widget = TrainingSettings(stack)
    qtbot.addWidget(widget)
    widget.set_spec(spec)
    return widget


def type_into(field: ValueField, text: str) -> None:
    field.setText(text)
    field.editingFinished.emit()


@pytest.mark.parametrize(("text", "value"), [
    ("3", 3), ("0.5", 0.5), ("1e-4", 1e-4), (".5", 0.5), ("3, 3", [3, 3]), ("[2, 4]", [2, 4]),
    ("same", "same"), ("", None), ("true", True), ("inf", "inf")])
def test_parse_value(text: str, value: object) -> None:
    assert parse_value(text) == value


def test_format_value_round_trips() -> None:
    for value in (3, 0.25, [3, 3], "valid", True):
        assert parse_value(format_value(value)) == value


def test_editing_units_pushes_an_undoable_edit(inspector, spec, stack) -> None:
    inspector.show_layer("hidden_1")
    units = inspector.fields["units"]
    assert units.text() == "16"
    type_into(units, "24")
    assert spec.layer("hidden_1").config["units"] == 24
    assert stack.count() == 1
    assert "24" in inspector.shape.text()
    assert "72 parameters" in inspector.shape.text()
    stack.undo()
    assert spec.layer("hidden_1").config["units"] == 16
    assert units.text() == "16"   # the view follows the spec


@pytest.mark.parametrize("text", ["0", "-3", "many", "2.5"])
def test_an_invalid_value_shows_the_error_and_leaves_the_spec(inspector, spec, stack,
                                                              text: str) -> None:
    inspector.show_layer("hidden_1")
    before = spec.to_dict()
    type_into(inspector.fields["units"], text)
    assert spec.to_dict() == before
    assert stack.count() == 0
    assert inspector.error.isVisibleTo(inspector)
    assert "units" in inspector.error.text()
    assert inspector.fields["units"].styleSheet()   # marked red
    type_into(inspector.fields["units"], "4")
    assert not inspector.error.isVisibleTo(inspector)
    assert spec.layer("hidden_1").config["units"] == 4


def test_choices_and_switches_edit_the_layer(inspector, spec, stack) -> None:
    inspector.show_layer("hidden_2")
    activation = inspector.fields["activation"]
    assert isinstance(activation, ChoiceField)
    activation.setCurrentText("tanh")
    activation.activated.emit(activation.currentIndex())
    bias = inspector.fields["use_bias"]
    assert isinstance(bias, BoolField)
    assert bias.isChecked()
    bias.click()
    assert spec.layer("hidden_2").config["activation"] == "tanh"
    assert spec.layer("hidden_2").config["use_bias"] is False
    assert stack.count() == 2


def test_clearing_a_field_goes_back_to_the_default(inspector, spec) -> None:
    spec.insert_layer(LayerSpec("Dropout", {"rate": 0.3}, "drop"), 1)
    inspector.show_layer("drop")
    assert inspector.fields["rate"].text() == "0.3"
    type_into(inspector.fields["rate"], "")
    assert "rate" not in spec.layer("drop").config
    assert inspector.fields["rate"].text() == "0.5"   # the layer's default, shown


def test_clearing_a_required_value_is_refused(inspector, spec) -> None:
    inspector.show_layer("softmax")
    assert inspector.fields == {}   # Softmax has nothing to set
    inspector.show_layer("output")
    type_into(inspector.fields["units"], "")
    assert spec.layer("output").config["units"] == 2
    assert "units" in inspector.error.text()


def test_the_input_shape_is_edited_from_the_input_box(inspector, spec, stack) -> None:
    inspector.show_layer(INPUT)
    field = inspector.fields["input_shape"]
    assert field.text() == "2"
    type_into(field, "1, 8, 8")
    assert spec.input_shape == (1, 8, 8)
    type_into(field, "0, 8")
    assert spec.input_shape == (1, 8, 8)
    assert "input_shape" in inspector.error.text()
    stack.undo()
    assert spec.input_shape == (2,)


def test_explicit_weights_are_shown_and_can_be_forgotten(inspector, stack) -> None:
    spec = load_preset("worked_example").spec()
    inspector.set_spec(spec)
    inspector.show_layer("layer_1")
    tables = inspector.params_host.findChildren(QTableWidget)
    assert len(tables) == 2
    weights = tables[0]
    assert (weights.rowCount(), weights.columnCount()) == (2, 2)
    assert [weights.item(0, c).text() for c in range(2)] == ["1", "-2"]   # the slide's W
    assert [weights.item(1, c).text() for c in range(2)] == ["-1", "1"]
    assert [weights.verticalHeaderItem(r).text() for r in range(2)] == ["unit 1", "unit 2"]
    assert [weights.horizontalHeaderItem(c).text() for c in range(2)] == ["in 1", "in 2"]
    button = next(b for b in inspector.params_host.children()
                  if getattr(b, "text", lambda: "")() == "Use random initial values instead")
    button.click()
    assert "weights" not in spec.layer("layer_1").config
    assert "bias" not in spec.layer("layer_1").config
    stack.undo()
    assert spec.layer("layer_1").config["weights"] == [[1, -2], [-1, 1]]


def test_removing_the_shown_layer_clears_the_inspector(inspector, spec) -> None:
    inspector.show_layer("hidden_2")
    spec.remove_layer("hidden_2")
    assert inspector.name is None
    assert inspector.title.text() == "Nothing selected"


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
