"""Files dropped on the window open by their kind, through the same readers as File ▸ Open.

A project (``.bpproj``), a network or lesson (``.json``) or a trained model (``.bpmodel``)
replaces the design (after asking about unsaved changes); anything else (a CSV, ``.npz``, IDX
file or a folder of images) is offered to the dataset loaders, whose typed errors say what is
wrong. Drags that carry no files (a layer from the palette) pass on untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QWidget

from ui.shell.files import MODEL_SUFFIX, PROJECT_SUFFIX

DESIGN_SUFFIXES = (PROJECT_SUFFIX, ".json", MODEL_SUFFIX)


def dropped_paths(event: QDropEvent | QDragEnterEvent) -> list[Path]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def split_by_kind(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """(designs, datasets): a project, network, lesson or model file is a design."""
    designs = [p for p in paths if p.is_file() and p.suffix.lower() in DESIGN_SUFFIXES]
    return designs, [p for p in paths if p not in designs]


class FileDrop(QObject):
    """File drops go to ``open_design``/``open_data``: an event filter for the widgets it
    watches, and :meth:`handle` for a widget that passes its drag and drop events on itself.

    The window does the latter: a filter sees every event of the widget it watches, and the
    window's are many (an update request and a paint at every repaint, 27 a second while a
    run trains at Full speed), each a call into Python that takes the interpreter lock from
    the training (see :mod:`ui.training.pacing`)."""

    def __init__(self, open_design: Callable[[Path], object],
                 open_data: Callable[[Path], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open_design, self._open_data = open_design, open_data

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        return self.handle(event)

    def handle(self, event: QEvent) -> bool:
        """Take ``event`` if it is a drag or drop carrying files (True: accepted)."""
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if dropped_paths(event):                 # type: ignore[arg-type]
                event.acceptProposedAction()         # type: ignore[attr-defined]
                return True
        elif kind == QEvent.Type.Drop:
            paths = dropped_paths(event)             # type: ignore[arg-type]
            if paths:
                event.acceptProposedAction()         # type: ignore[attr-defined]
                self.open(paths)
                return True
        return False

    def open(self, paths: Sequence[Path]) -> None:
        """The first design (if any), then the first dataset (if any)."""
        designs, data = split_by_kind(paths)
        if designs:
            self._open_design(designs[0])
        if data:
            self._open_data(data[0])


def install_drop(window: QWidget, watched: Sequence[QWidget],
                 open_design: Callable[[Path], object],
                 open_data: Callable[[Path], object]) -> FileDrop:
    """Accept file drops on ``window`` (whose drag and drop events must go to the returned
    :meth:`FileDrop.handle`) and on ``watched``, children that take drops of their own such
    as the canvas (through the filter), so a file dropped anywhere opens."""
    drop = FileDrop(open_design, open_data, window)
    window.setAcceptDrops(True)
    for widget in watched:
        widget.setAcceptDrops(True)
        widget.installEventFilter(drop)
    return drop
