"""Put the settings an experiment found into the design, as one undoable step."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from simulator.errors import SpecError
from simulator.experiments.run import with_changes
from simulator.spec import NetworkSpec
from ui.design.commands import EditLayer, SetTraining


def apply_changes(stack: QUndoStack, spec: NetworkSpec, changes: dict[str, Any],
                  text: str) -> bool:
    """Push the commands that give ``spec`` the dotted-path ``changes`` (validated first by
    the engine: a SpecError leaves the design as it was). False when nothing changes."""
    try:
        changed = with_changes(spec, changes)
    except KeyError as exc:                      # a layer the design no longer has
        raise SpecError(f"the design changed since the search: {exc.args[0]}") from None
    commands: list[QUndoCommand] = []
    if changed.training.to_dict() != spec.training.to_dict():
        commands.append(SetTraining(spec, changed.training, text))
    for layer in spec.layers:
        new_config = changed.layer(layer.name).config
        edits = {key: value for key, value in new_config.items()
                 if layer.config.get(key) != value}
        if edits:
            commands.append(EditLayer(spec, layer.name, edits))
    if not commands:
        return False
    stack.beginMacro(text)
    for command in commands:
        stack.push(command)
    stack.endMacro()
    return True
