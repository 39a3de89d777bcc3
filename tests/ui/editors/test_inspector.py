"""The inspector edits the selected layer (or the input shape) through undo commands, and only
with values the engine accepts."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QTableWidget

from simulator.spec import INPUT, LayerSpec
from tests.ui.editors.conftest import type_into
from ui.editors.forms import BoolField, ChoiceField
from ui.editors.inspector import Inspector
from ui.shell.presets import load_preset


@pytest.fixture
def inspector(qtbot, stack, spec) -> Inspector:
    widget = Inspector(stack)
    qtbot.addWidget(widget)
    widget.set_spec(spec)
    return widget


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
    assert len(tables) == 1   # no network yet: only the typed values, [W | b], a row per unit
    table = tables[0]
    assert (table.rowCount(), table.columnCount()) == (2, 3)
    assert [table.horizontalHeaderItem(c).text() for c in range(3)] == ["in 1", "in 2", "b"]
    assert [table.verticalHeaderItem(r).text() for r in range(2)] == ["unit 1", "unit 2"]
    # The slide's W = [[1, -2], [-1, 1]], b = [1, 0]: (1, -1) gives z = (4, -2).
    assert [table.item(0, c).text() for c in range(3)] == ["1", "-2", "1"]
    assert [table.item(1, c).text() for c in range(3)] == ["-1", "1", "0"]
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
