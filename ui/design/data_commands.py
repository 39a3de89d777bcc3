"""The data's undo command: every change of the data a design trains on is one :class:`SetData`.

A new dataset choice, a generator option (noise, number of points), Regenerate (a new seed) and
a point added or removed by hand each push one. The command holds the data before and after (a
:class:`Dataset` and the :class:`DatasetChoice` a project saves), both loaded before it is
made, so undo and redo restore the data exactly and can never fail half-way; ``show`` is the
window's way of putting data on screen (it resets the training session, as new data needs).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from simulator.data import Dataset
from simulator.io import DatasetChoice

#: What a command shows: the data and its choice (None: no data).
Data = tuple[Dataset | None, DatasetChoice | None]


def copied(choice: DatasetChoice | None) -> DatasetChoice | None:
    """A choice no later edit of the original can change (the edits are immutable)."""
    return None if choice is None else DatasetChoice(choice.source, dict(choice.options),
                                                     choice.edits)


class SetData(QUndoCommand):
    def __init__(self, show: Callable[[Dataset | None, DatasetChoice | None], None],
                 old: Data, new: Data, text: str) -> None:
        super().__init__(text)
        self.show = show
        self.old: Data = (old[0], copied(old[1]))
        self.new: Data = (new[0], copied(new[1]))

    def redo(self) -> None:
        self.show(self.new[0], copied(self.new[1]))

    def undo(self) -> None:
        self.show(self.old[0], copied(self.old[1]))
