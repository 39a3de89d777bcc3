"""The spiral lesson's design on an undo stack, and typing into a field as a user does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QUndoStack

from simulator.spec import NetworkSpec
from ui.editors.forms import ValueField
from ui.shell.presets import load_preset


@pytest.fixture
def stack(qapp) -> Iterator[QUndoStack]:
    stack = QUndoStack()
    yield stack
    stack.clear()   # delete the commands now, not at some later garbage collection


@pytest.fixture
def spec() -> NetworkSpec:
    return load_preset("spiral").spec()


def type_into(field: ValueField, text: str) -> None:
    field.setText(text)
    field.editingFinished.emit()
