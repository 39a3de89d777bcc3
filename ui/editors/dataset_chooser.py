"""The dataset chooser: every built-in dataset by category, plus the user's own files.

It only says what the user picked; the File menu loads the data (``ui.shell.file_menu``) so that a
file that fails to load leaves the current dataset in place.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from simulator.data import builtin_datasets

OPEN_FILE = "__open_file__"
OPEN_FOLDER = "__open_folder__"


class DatasetChooser(QComboBox):
    builtin_chosen = Signal(str)
    open_file_requested = Signal()
    open_folder_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        category = None
        for name, info in builtin_datasets().items():
            if info.category != category:
                if category is not None:
                    self.insertSeparator(self.count())
                category = info.category
            self.addItem(name, name)
            self.setItemData(self.count() - 1, f"{info.description}\nLesson: {info.lesson}",
                             Qt.ItemDataRole.ToolTipRole)
        self.insertSeparator(self.count())
        self.addItem("Open dataset file…", OPEN_FILE)
        self.addItem("Open image folder…", OPEN_FOLDER)
        self._current: str | None = None
        self.activated.connect(self._on_activated)

    def show_source(self, source: str) -> None:
        """Show ``source`` (a built-in name or a path) as the current choice, silently."""
        self._current = source
        with QSignalBlocker(self):
            index = self.findData(source)
            if index < 0:
                index = self.count() - 3  # above the separator before "Open dataset file…"
                self.insertItem(index, f"file: {Path(source).name}", source)
                self.setItemData(index, source, Qt.ItemDataRole.ToolTipRole)
            self.setCurrentIndex(index)

    def _on_activated(self, index: int) -> None:
        data = self.itemData(index)
        if self._current is not None:
            self.show_source(self._current)  # stay on the current data until a load succeeds
        if data == OPEN_FILE:
            self.open_file_requested.emit()
        elif data == OPEN_FOLDER:
            self.open_folder_requested.emit()
        elif isinstance(data, str) and data in builtin_datasets() and data != self._current:
            self.builtin_chosen.emit(data)
