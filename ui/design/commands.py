"""Every edit of a design is one of these undo commands; each mutates the NetworkSpec only.

Views redraw from ``spec.changed``; no command touches a graphics item. A drag pushes a
:class:`MoveLayers` command on every mouse move, and consecutive moves of one drag merge
(``id``/``mergeWith``), so one drag is one undo step.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import numpy as np
from PySide6.QtGui import QUndoCommand

from simulator.config import TrainingConfig
from simulator.layers import LAYERS
from simulator.spec import INPUT, LayerSpec, NetworkSpec
from ui.design.positions import Position

MOVE_ID = 1001


class AddLayer(QUndoCommand):
    """Insert a layer (at the end, or at ``index``); its name is fixed when the command is made."""

    def __init__(self, spec: NetworkSpec, layer: LayerSpec, index: int | None = None) -> None:
        layer = copy.deepcopy(layer)
        if not layer.name:
            layer.name = spec.unique_name(layer.type.lower())
        super().__init__(f"Add {layer.type} '{layer.name}'")
        self.spec, self.layer = spec, layer
        self.index = len(spec.layers) if index is None else index

    def redo(self) -> None:
        self.spec.insert_layer(copy.deepcopy(self.layer), self.index)

    def undo(self) -> None:
        self.spec.remove_layer(self.layer.name)


class RemoveLayer(QUndoCommand):
    """Remove a layer and connect what it fed to what fed it, so a chain stays a chain."""

    def __init__(self, spec: NetworkSpec, name: str) -> None:
        super().__init__(f"Remove '{name}'")
        self.spec, self.name = spec, name
        self.index = spec.names().index(name)
        self.layer = copy.deepcopy(spec.layers[self.index])
        self.rewired: dict[str, tuple[list[str] | None, list[str]]] = self._rewiring()

    def _rewiring(self) -> dict[str, tuple[list[str] | None, list[str]]]:
        """{dependent: (its inputs now, its inputs once the layer is gone)}."""
        spec, i = self.spec, self.index
        feeds = spec.inputs_of(i)
        result: dict[str, tuple[list[str] | None, list[str]]] = {}
        for j, other in enumerate(spec.layers):
            if other.inputs is not None and self.name in other.inputs:
                new: list[str] = []
                for source in other.inputs:
                    for item in feeds if source == self.name else [source]:
                        if item not in new:
                            new.append(item)
                result[other.name] = (list(other.inputs), new)
            elif other.inputs is None and j == i + 1:
                implicit_after = [INPUT if i == 0 else spec.layers[i - 1].name]
                if feeds != implicit_after:
                    result[other.name] = (None, list(feeds))
        return result

    def redo(self) -> None:
        for name, (_old, new) in self.rewired.items():
            self.spec.update_layer(name, inputs=new)
        self.spec.remove_layer(self.name)

    def undo(self) -> None:
        self.spec.insert_layer(copy.deepcopy(self.layer), self.index)
        for name, (old, _new) in self.rewired.items():
            self.spec.update_layer(name, inputs=old)


class SetInputs(QUndoCommand):
    """Set which layers feed ``target`` (``None``: the previous layer in the list)."""

    def __init__(self, spec: NetworkSpec, target: str, inputs: list[str] | None,
                 text: str) -> None:
        super().__init__(text)
        self.spec, self.target = spec, target
        self.old = copy.copy(spec.layer(target).inputs)
        self.new = None if inputs is None else list(inputs)

    def redo(self) -> None:
        self.spec.update_layer(self.target, inputs=self.new)

    def undo(self) -> None:
        self.spec.update_layer(self.target, inputs=self.old)


def connect(spec: NetworkSpec, source: str, target: str) -> SetInputs | None:
    """The command that makes ``source`` feed ``target`` (None if it already does).

    A layer with one input swaps its input for ``source``; a layer that joins several inputs
    (Add, Concatenate) gains ``source`` as one more.
    """
    index = spec.names().index(target)
    current = spec.inputs_of(index)
    if source in current or source == target:
        return None
    joins = LAYERS.get(spec.layers[index].type).n_inputs is None
    new = [*current, source] if joins else [source]
    return SetInputs(spec, target, new, f"Connect '{source}' to '{target}'")


def disconnect(spec: NetworkSpec, source: str, target: str) -> SetInputs | None:
    """The command that removes the arrow ``source`` → ``target`` (None if there is none)."""
    current = spec.inputs_of(spec.names().index(target))
    if source not in current:
        return None
    new = [s for s in current if s != source]
    return SetInputs(spec, target, new, f"Disconnect '{source}' from '{target}'")


class EditLayer(QUndoCommand):
    """Change config keys of one layer (a value of ``None`` removes the key: its default)."""

    def __init__(self, spec: NetworkSpec, name: str, changes: dict[str, Any]) -> None:
        keys = ", ".join(changes)
        super().__init__(f"Edit {keys} of '{name}'")
        config = spec.layer(name).config
        self.spec, self.name = spec, name
        self.new = copy.deepcopy(changes)
        self.old = {key: copy.deepcopy(config.get(key)) for key in changes}

    def redo(self) -> None:
        self.spec.update_layer(self.name, **copy.deepcopy(self.new))

    def undo(self) -> None:
        self.spec.update_layer(self.name, **copy.deepcopy(self.old))


class MoveLayers(QUndoCommand):
    """Move boxes; consecutive moves with the same ``drag`` id merge into one step."""

    def __init__(self, spec: NetworkSpec, moves: dict[str, Position], drag: int = 0,
                 text: str = "") -> None:
        names = ", ".join(f"'{n}'" for n in moves)
        super().__init__(text or f"Move {names}")
        self.spec, self.drag = spec, drag
        self.old = {name: spec.layer(name).position for name in moves}
        self.new = dict(moves)

    def id(self) -> int:
        return MOVE_ID if self.drag else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, MoveLayers) or other.drag != self.drag:
            return False
        if set(other.new) - set(self.old):
            return False
        self.new.update(other.new)
        self.setObsolete(all(self.old[n] == self.new.get(n) for n in self.old))
        return True

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)

    def _apply(self, positions: Mapping[str, Position | None]) -> None:
        for name, position in positions.items():
            self.spec.update_layer(name, position=position)


def dense_weights_config(weights: Any) -> list[list[float]]:
    """A Dense layer's ``W`` (``[units][inputs]``, the course's layout and the config's) as
    its ``weights`` config value: plain floats, a row per unit."""
    return [[float(v) for v in row] for row in np.asarray(weights, dtype=float)]


class SetWeights(QUndoCommand):
    """Type in the starting weights of Dense layers, all in one undo step.

    ``values`` maps a layer to its ``W`` (``[units][inputs]``, the course's layout) and its
    bias ``b`` (None for a layer without one): the units view uses it to make the weights
    shown the design's starting weights, with the one connection a teacher edited changed.
    """

    def __init__(self, spec: NetworkSpec, values: dict[str, tuple[Any, Any]], text: str) -> None:
        super().__init__(text)
        self.spec = spec
        self.new: dict[str, dict[str, Any]] = {}
        self.old: dict[str, dict[str, Any]] = {}
        for name, (weights, bias) in values.items():
            config = spec.layer(name).config
            change: dict[str, Any] = {"weights": dense_weights_config(weights)}
            if bias is not None:
                change["bias"] = [float(v) for v in np.asarray(bias, dtype=float)]
            self.new[name] = change
            self.old[name] = {key: copy.deepcopy(config.get(key)) for key in change}

    def redo(self) -> None:
        for name, change in self.new.items():
            self.spec.update_layer(name, **copy.deepcopy(change))

    def undo(self) -> None:
        for name, change in self.old.items():
            self.spec.update_layer(name, **copy.deepcopy(change))


class SetInputShape(QUndoCommand):
    def __init__(self, spec: NetworkSpec, shape: tuple[int, ...]) -> None:
        super().__init__(f"Set the input shape to {list(shape)}")
        self.spec, self.old, self.new = spec, spec.input_shape, tuple(shape)

    def redo(self) -> None:
        self.spec.set_input_shape(self.new)

    def undo(self) -> None:
        self.spec.set_input_shape(self.old)


class SetTraining(QUndoCommand):
    def __init__(self, spec: NetworkSpec, training: TrainingConfig, text: str) -> None:
        super().__init__(text)
        self.spec = spec
        self.old = TrainingConfig.from_dict(spec.training.to_dict())
        self.new = TrainingConfig.from_dict(training.to_dict())

    def redo(self) -> None:
        self.spec.set_training(TrainingConfig.from_dict(self.new.to_dict()))

    def undo(self) -> None:
        self.spec.set_training(TrainingConfig.from_dict(self.old.to_dict()))
