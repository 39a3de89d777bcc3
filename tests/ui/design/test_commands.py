"""Undo commands edit the NetworkSpec only, and undoing everything restores the first design."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from PySide6.QtGui import QUndoStack

from simulator.layers import layer_names
from simulator.spec import INPUT, NetworkSpec
from ui.design import commands
from ui.design.defaults import new_layer
from ui.design.positions import fill_missing_positions
from ui.shell.presets import load_preset


def chain() -> NetworkSpec:
    spec = load_preset("spiral").spec()
    fill_missing_positions(spec)
    return spec


@pytest.fixture
def spec_and_stack(qapp) -> Iterator[tuple[NetworkSpec, QUndoStack]]:
    stack = QUndoStack()
    yield chain(), stack
    stack.clear()   # delete the commands now, not at some later garbage collection


def test_add_then_undo_restores_the_design(spec_and_stack) -> None:
    spec, stack = spec_and_stack
    before = spec.to_dict()
    stack.push(commands.AddLayer(spec, new_layer("Dense", (0.0, 500.0))))
    assert [layer.type for layer in spec.layers][-1] == "Dense"
    assert spec.layers[-1].config == {"units": 8}
    stack.undo()
    assert spec.to_dict() == before


def test_removing_a_middle_layer_keeps_the_chain_connected(spec_and_stack) -> None:
    spec, stack = spec_and_stack
    stack.push(commands.RemoveLayer(spec, "hidden_2"))
    assert spec.names() == ["hidden_1", "output", "softmax"]
    assert spec.inputs_of(1) == ["hidden_1"]
    spec.infer_shapes()  # still a valid design


def test_removing_a_branch_source_rewires_its_consumers(spec_and_stack) -> None:
    spec, stack = spec_and_stack
    stack.push(commands.SetInputs(spec, "output", ["hidden_1", "hidden_2"], "two inputs"))
    stack.push(commands.RemoveLayer(spec, "hidden_2"))
    assert spec.layer("output").inputs == ["hidden_1"]
    stack.undo()
    assert spec.layer("output").inputs == ["hidden_1", "hidden_2"]
    assert spec.names() == ["hidden_1", "hidden_2", "output", "softmax"]


def test_removing_a_branch_hands_its_input_to_the_next_layer(spec_and_stack) -> None:
    spec, stack = spec_and_stack
    spec.update_layer("hidden_2", inputs=[INPUT])      # hidden_2 branches off the input
    stack.push(commands.RemoveLayer(spec, "hidden_2"))
    assert spec.layer("output").inputs == [INPUT]        # not hidden_1, the previous layer
    stack.undo()
    assert spec.layer("output").inputs is None
    assert spec.layer("hidden_2").inputs == [INPUT]


def test_connect_replaces_the_single_input_and_disconnect_removes_it(spec_and_stack) -> None:
    spec, stack = spec_and_stack
    stack.push(commands.connect(spec, INPUT, "hidden_2"))
    assert spec.layer("hidden_2").inputs == [INPUT]
    assert commands.connect(spec, INPUT, "hidden_2") is None   # already connected
    stack.push(commands.disconnect(spec, INPUT, "hidden_2"))
    assert spec.layer("hidden_2").inputs == []
    stack.undo()
    stack.undo()
    assert spec.layer("hidden_2").inputs is None


def test_connect_adds_an_input_to_a_join(spec_and_stack) -> None:
    spec, stack = spec_and_stack
    stack.push(commands.AddLayer(spec, new_layer("Add"), index=2))
    stack.push(commands.SetInputs(spec, "add_1", ["hidden_1"], "one input"))
    stack.push(commands.connect(spec, INPUT, "add_1"))
    assert spec.layer("add_1").inputs == ["hidden_1", INPUT]


def test_one_drag_is_one_undo_step(spec_and_stack) -> None:
    spec, stack = spec_and_stack
    start = spec.layer("hidden_1").position
    for k in range(1, 6):
        stack.push(commands.MoveLayers(spec, {"hidden_1": (start[0] + k, start[1])}, drag=7))
    assert stack.count() == 1
    assert spec.layer("hidden_1").position == (start[0] + 5, start[1])
    stack.push(commands.MoveLayers(spec, {"hidden_1": (0.0, 0.0)}, drag=8))
    assert stack.count() == 2
    stack.undo()
    stack.undo()
    assert spec.layer("hidden_1").position == start


def test_a_drag_back_to_the_start_leaves_no_step(spec_and_stack) -> None:
    spec, stack = spec_and_stack
    start = spec.layer("output").position
    stack.push(commands.MoveLayers(spec, {"output": (1.0, 2.0)}, drag=3))
    stack.push(commands.MoveLayers(spec, {"output": start}, drag=3))
    assert stack.count() == 0
    assert spec.layer("output").position == start


def test_edits_of_config_input_shape_and_training_undo(spec_and_stack) -> None:
    spec, stack = spec_and_stack
    before = spec.to_dict()
    stack.push(commands.EditLayer(spec, "hidden_1", {"units": 5, "activation": "tanh"}))
    stack.push(commands.SetInputShape(spec, (3,)))
    stack.push(commands.SetTraining(spec, spec.training.replace(epochs=7), "epochs"))
    assert spec.layer("hidden_1").config["units"] == 5
    assert spec.input_shape == (3,)
    assert spec.training.epochs == 7
    while stack.canUndo():
        stack.undo()
    assert spec.to_dict() == before


LAYER_TYPES = sorted(layer_names())


class DesignEdits(RuleBasedStateMachine):
    """Random edits through the stack; undo-all gives the first design, redo-all the last."""

    @initialize()
    def start(self) -> None:
        self.spec = chain()
        self.stack = QUndoStack()
        self.initial = copy.deepcopy(self.spec.to_dict())
        self.drag = 0

    @rule(type_name=st.sampled_from(LAYER_TYPES), where=st.integers(0, 8),
          append=st.booleans())
    def add(self, type_name: str, where: int, append: bool) -> None:
        index = None if append else min(where, len(self.spec.layers))
        self.stack.push(commands.AddLayer(self.spec, new_layer(type_name, (1.0, 2.0)), index))

    @rule(pick=st.integers(0, 100))
    def remove(self, pick: int) -> None:
        if len(self.spec.layers) > 1:
            name = self.spec.names()[pick % len(self.spec.layers)]
            self.stack.push(commands.RemoveLayer(self.spec, name))

    @rule(pick=st.integers(0, 100), dx=st.integers(-50, 50), same_drag=st.booleans())
    def move(self, pick: int, dx: int, same_drag: bool) -> None:
        name = self.spec.names()[pick % len(self.spec.layers)]
        if not same_drag:
            self.drag += 1
        x, y = self.spec.layer(name).position or (0.0, 0.0)
        self.stack.push(commands.MoveLayers(self.spec, {name: (x + dx, y)}, self.drag + 1))

    @rule(pick=st.integers(0, 100), units=st.integers(1, 64))
    def edit(self, pick: int, units: int) -> None:
        name = self.spec.names()[pick % len(self.spec.layers)]
        self.stack.push(commands.EditLayer(self.spec, name, {"units": units}))

    @rule(a=st.integers(0, 100), b=st.integers(0, 100))
    def connect(self, a: int, b: int) -> None:
        names = [INPUT, *self.spec.names()]
        target = self.spec.names()[b % len(self.spec.layers)]
        command = commands.connect(self.spec, names[a % len(names)], target)
        if command is not None:
            self.stack.push(command)

    @rule()
    def undo(self) -> None:
        self.stack.undo()

    @invariant()
    def names_stay_unique(self) -> None:
        assert len(set(self.spec.names())) == len(self.spec.layers)

    def teardown(self) -> None:
        while self.stack.canRedo():   # back to the newest state after any undo rules
            self.stack.redo()
        final = copy.deepcopy(self.spec.to_dict())
        while self.stack.canUndo():
            self.stack.undo()
        assert self.spec.to_dict() == self.initial
        while self.stack.canRedo():
            self.stack.redo()
        assert self.spec.to_dict() == final
        self.stack.clear()   # delete the commands now, not at some later garbage collection


DesignEdits.TestCase.settings = settings(
    max_examples=20, stateful_step_count=15, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture])


TestDesignEdits = DesignEdits.TestCase
