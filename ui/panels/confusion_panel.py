"""The confusion matrix of the latest epoch: counts coloured by size, the numbers in the cells.

With more than :data:`MAX_SHOWN_CLASSES` classes it shows the classes most often confused (the
largest counts off the diagonal, row and column together) and says so above the plot: 3,000
class names and nine million cells would freeze the window and say nothing readable. The
engine makes no matrix at all above ``MAX_CONFUSION_CLASSES``; the panel says that too.

Only the newest matrix is kept; it is drawn while the panel is in view, and a cell's text is
set only when its number changes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QVBoxLayout

from simulator.training.metrics import MAX_CONFUSION_CLASSES
from simulator.training.trainer import EpochEnd
from ui.panels.base import Panel
from ui.style.plots import Notice
from ui.style.scaled import scaled_text
from ui.style.theme import COUNT_CMAP, fit_axis_to_labels, set_title, style_plot
from ui.training.session import TrainingSession

#: Above this many classes the numbers no longer fit in the cells (the colours still tell).
MAX_WRITTEN_CLASSES = 16
#: Above this many classes only this many (the most confused) are drawn, numbers written.
MAX_SHOWN_CLASSES = 12


def most_confused(matrix: np.ndarray, k: int) -> np.ndarray:
    """Indices (ascending) of the ``k`` classes with the most mistakes, as the true class or
    the predicted one; ties go to the lower index."""
    mistakes = matrix.sum(axis=0) + matrix.sum(axis=1) - 2 * np.diagonal(matrix)
    return np.sort(np.argsort(-mistakes, kind="stable")[:k])


def cell_points(n: int) -> int:
    """The size (points at scale 1) of the numbers in an n × n matrix's cells."""
    return 11 if n <= 6 else 9 if n <= 10 else 7


class ConfusionPanel(Panel):
    title = "Confusion matrix"
    short_title = "Confusion"

    def __init__(self) -> None:
        super().__init__()
        self.plot = pg.PlotWidget()
        style_plot(self.plot, bottom="predicted class", left="true class", grid=False)
        self.plot.setAspectLocked(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.invertY(True)
        self.cmap = pg.colormap.get(COUNT_CMAP)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(self.cmap)
        self.plot.addItem(self.image)
        self.notice = Notice("The confusion matrix is shown for classification.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notice)
        layout.addWidget(self.plot, 1)
        self.class_names: list[str] = []
        #: The classes drawn (indices into ``class_names``): all, or the most confused.
        self.shown: list[int] = []
        self.cells: list[pg.TextItem] = []
        self.matrix: np.ndarray | None = None
        self.epoch = 0
        self.regression_text = self.notice.text()
        self._pending: EpochEnd | None = None
        self._written: list[str] = []

    def reset(self, session: TrainingSession | None) -> None:
        classification = session is not None and session.dataset.task == "classification"
        self.plot.setVisible(classification)
        self.notice.show_text("" if classification else self.regression_text)
        self.matrix = None
        self._pending = None
        self.behind = False
        self.image.clear()
        names = list(session.dataset.class_names) if classification and session else []
        if names != self.class_names:
            self.class_names = names
            self._build_cells(list(range(len(names))) if len(names) <= MAX_SHOWN_CLASSES
                              else [])
        for cell in self.cells:
            cell.setText("")
        self._written = [""] * len(self.cells)
        set_title(self.plot, "")

    def _build_cells(self, shown: list[int]) -> None:
        for cell in self.cells:
            self.plot.removeItem(cell)
        self.shown, self.cells = shown, []
        names = [self.class_names[i] for i in shown]
        n = len(names)
        ticks = [[(i + 0.5, name) for i, name in enumerate(names)]]
        self.plot.getAxis("bottom").setTicks(ticks)
        self.plot.getAxis("left").setTicks(ticks)
        fit_axis_to_labels(self.plot.getAxis("left"), names, with_title=True)
        if n == 0:
            return
        self.plot.setRange(xRange=(0, n), yRange=(0, n), padding=0.0)
        if n <= MAX_WRITTEN_CLASSES:
            for index in range(n * n):
                cell = scaled_text(pg.TextItem("", anchor=(0.5, 0.5)), cell_points(n), bold=True)
                cell.setPos(index % n + 0.5, index // n + 0.5)
                self.plot.addItem(cell)
                self.cells.append(cell)

    def on_event(self, event: Any) -> None:
        if not isinstance(event, EpochEnd):
            return
        if event.confusion is None:
            if not self.plot.isHidden() and len(self.class_names) > MAX_CONFUSION_CLASSES:
                self.notice.show_text(f"No confusion matrix for {len(self.class_names):,} "
                                      f"classes (it is made for at most "
                                      f"{MAX_CONFUSION_CLASSES:,}); the accuracy panel shows "
                                      "how many are right.")
            return
        self._pending = event        # the newest epoch's (a coalesced event is the newest)
        self.matrix, self.epoch = np.asarray(event.confusion, dtype=np.int64), event.epoch
        self.refresh()

    def redraw(self) -> None:
        event, self._pending = self._pending, None
        if event is None:
            return
        full = np.asarray(event.confusion, dtype=np.int64)
        if full.shape[0] != len(self.class_names):
            self.class_names = [str(i) for i in range(full.shape[0])]
            self.shown = []
        shown = (list(range(full.shape[0])) if full.shape[0] <= MAX_SHOWN_CLASSES
                 else most_confused(full, MAX_SHOWN_CLASSES).tolist())
        if shown != self.shown:
            self._build_cells(shown)
        if len(self._written) != len(self.cells):
            self._written = [""] * len(self.cells)
        matrix = full[np.ix_(shown, shown)]
        n = len(shown)
        top = max(int(matrix.max()), 1)
        self.image.setImage(matrix.astype(float), autoLevels=False, levels=(0, top))
        self.image.setRect(QRectF(0, 0, n, n))
        if self.cells:
            for i, (cell, value) in enumerate(zip(self.cells, matrix.ravel(), strict=True)):
                dark = value > 0.55 * top
                text = f"{'w' if dark else 'b'}{int(value)}"
                if text != self._written[i]:    # colour and number as last written
                    self._written[i] = text
                    cell.setColor((255, 255, 255) if dark else (20, 20, 20))
                    cell.setText(text[1:])
        right = int(np.trace(full))
        total = max(int(full.sum()), 1)
        set_title(self.plot, f"epoch {event.epoch}: {right} of {total} right "
                             f"({100.0 * right / total:.1f} %)")
        self.notice.show_text("" if n == full.shape[0] else
                              f"The {n} most confused of {full.shape[0]:,} classes")

    def cell_texts(self) -> list[str]:
        """The numbers written in the cells, row by row (for tests and screen readers)."""
        return [cell.textItem.toPlainText() for cell in self.cells]
