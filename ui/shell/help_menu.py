"""Help ▸ Lessons (every lesson with what it shows, one click to open) and Help ▸ About
(the version, the libraries and their versions, the array backend in use)."""

from __future__ import annotations

import platform
from collections.abc import Callable
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenuBar,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from simulator.version import __version__
from ui.shell.presets import Preset, available_presets

#: Distributions the About box lists (installed ones only; CuPy only where installed).
LIBRARIES = ("numpy", "pyqtgraph", "scikit-learn", "onnx", "Pillow", "threadpoolctl",
             "platformdirs", "cupy-cuda12x", "onnxruntime")


def library_versions() -> list[tuple[str, str]]:
    """(name, version) of Python, Qt, PySide6 and every installed library the app uses."""
    rows = [("Python", platform.python_version()), ("Qt", qVersion()),
            ("PySide6", pyside_version)]
    for name in LIBRARIES:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            continue
    return rows


def about_text(backend: str) -> str:
    rows = "".join(f"<tr><td>{name}</td><td>&nbsp;{version}</td></tr>"
                   for name, version in library_versions())
    return (f"<h3>Backprop Studio {__version__}</h3>"
            "<p>A neural-network simulator for an introductory deep-learning course: build a "
            "network, train it live, watch it learn.</p>"
            f"<p><b>Computing on:</b> {backend}</p>"
            f"<table>{rows}</table>"
            f"<p>{platform.system()} {platform.release()} · {platform.machine()}</p>")


class LessonsDialog(QDialog):
    """The lessons with their explanations; Open starts the chosen one."""

    def __init__(self, open_lesson: Callable[[Preset], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Lessons")
        self.presets = available_presets()
        self.list = QListWidget()
        for preset in self.presets:
            self.list.addItem(QListWidgetItem(preset.title))
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(self.text)
        split.setSizes([260, 380])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                   | QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self._open)
        self.list.itemDoubleClicked.connect(lambda _item: self._open())
        self.list.currentRowChanged.connect(self._show)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)
        self._open_lesson = open_lesson
        self.list.setCurrentRow(0)
        self.resize(680, 420)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.presets):
            self.text.setText(self.presets[row].description)

    def _open(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.presets):
            self.accept()
            self._open_lesson(self.presets[row])


def install_help_menu(menus: QMenuBar, parent: QWidget, backend: Callable[[], str],
                      open_lesson: Callable[[Preset], object]) -> None:
    """Add the Help menu to ``menus``; ``backend`` names what the current session computes
    on, ``open_lesson`` opens a lesson (asking about unsaved changes first)."""
    menu = menus.addMenu("&Help")
    lessons = menu.addAction("&Lessons…")
    lessons.triggered.connect(lambda _c=False: LessonsDialog(open_lesson, parent).exec())
    menu.addSeparator()
    about = menu.addAction("&About Backprop Studio")
    about.setMenuRole(about.MenuRole.AboutRole)
    about.triggered.connect(
        lambda _c=False: QMessageBox.about(parent, "About Backprop Studio",
                                           about_text(backend())))
