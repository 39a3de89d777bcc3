"""The toolbar's Lesson box: every built-in lesson, and the lesson last opened from a file.

Choosing an entry asks for that lesson to be opened afresh (the window decides whether it may
discard the current design); :meth:`LessonBox.show_lesson` names the lesson on screen, and is
blank for a design that is no lesson (a network file, a project).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from ui.shell.presets import Preset

#: Item data role marking the entry of a lesson from a file (its data is the file's path).
FILE_ROLE = Qt.ItemDataRole.UserRole + 1


class LessonBox(QComboBox):
    preset_chosen = Signal(object)   # a built-in Preset
    file_chosen = Signal(str)        # the path of a lesson file

    def __init__(self, presets: Sequence[Preset], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presets = list(presets)
        for preset in self.presets:
            self.addItem(preset.title, preset.key)
            self.setItemData(self.count() - 1, preset.description,
                             Qt.ItemDataRole.ToolTipRole)
        self._shown = -1
        self.setCurrentIndex(-1)
        self.activated.connect(self._on_activated)

    def show_lesson(self, key: str | None, title: str = "", path: Path | None = None) -> None:
        """Name the lesson now open: a built-in by ``key``; one read from the file ``path`` by
        its ``title`` (one entry, replaced by the next such file); nothing for ``key`` None."""
        self._drop_file_entry()
        if path is not None:
            self.addItem(f"{title} (from {path.name})", str(path))
            index = self.count() - 1
            self.setItemData(index, True, FILE_ROLE)
            self.setItemData(index, str(path), Qt.ItemDataRole.ToolTipRole)
        else:
            index = self.findData(key) if key is not None else -1
        self._shown = index
        self.setCurrentIndex(index)

    def show_current(self) -> None:
        """Back to the lesson on screen (after a choice that was cancelled)."""
        self.setCurrentIndex(self._shown)

    def from_file(self, index: int) -> bool:
        return bool(self.itemData(index, FILE_ROLE))

    def _drop_file_entry(self) -> None:
        for index in reversed(range(len(self.presets), self.count())):
            self.removeItem(index)

    def _on_activated(self, index: int) -> None:
        if self.from_file(index):
            self.file_chosen.emit(self.itemData(index))
        elif 0 <= index < len(self.presets):
            self.preset_chosen.emit(self.presets[index])
