"""The inspector's "Evaluate an input" box: type one input vector, see every unit's z and a.

An input can also come from a Ctrl+click on the Decision boundary plot
(:meth:`InputProbe.evaluate`).

The box only parses what was typed and shows what it is given: the numbers are the engine's
(:func:`simulator.training.probes.layer_values` on the session's network, in the worker thread
while a run is under way), delivered by :class:`ui.training.inspection.InspectorFeed`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import numpy as np
from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.editors.forms import error_label, show_error
from ui.editors.help_texts import tooltip
from ui.editors.value_tables import UnitValuesTable
from ui.style.scaled import styled

#: Networks with more inputs than this (images) get no box: nobody types 64 pixels.
MAX_TYPED_INPUTS = 16
EXAMPLE = ["1", "-1", "0.5", "2"]


def parse_numbers(text: str) -> list[float]:
    """``"1, -1"``, ``"1 -1"`` or ``"1; -1"`` as numbers; a ValueError says what is wrong."""
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    if not parts:
        raise ValueError("type the input's numbers, separated by commas (for example 1, -1)")
    numbers = []
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            raise ValueError(f"'{part}' is not a number; type numbers separated by commas "
                             "(for example 1, -1)") from None
        if not math.isfinite(value):
            raise ValueError(f"'{part}' is not a finite number")
        numbers.append(value)
    return numbers


class InputProbe(QGroupBox):
    input_typed = Signal(object, bool)   # the numbers typed, whether they are in data units

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Evaluate an input", parent)
        self.setToolTip(tooltip(
            "Type one input x and see what every unit computes: z = W x + b and a = σ(z), "
            "layer by layer, with the network's weights as they are now (while it trains, "
            "the numbers follow each update)."))
        self.edit = QLineEdit()
        self.edit.returnPressed.connect(self._submit)
        self.button = QPushButton("Evaluate")
        self.button.clicked.connect(self._submit)
        self.data_units = QCheckBox()
        self.data_units.setToolTip(tooltip(
            "On: the numbers are in the data's units and go through the run's preprocessing "
            "before the network, as the training data does. Off: they are the network's input "
            "x exactly."))
        self.data_units.toggled.connect(lambda _on: self._resubmit())
        self.data_units.hide()
        self.caption = styled(QLabel(), "color: #444444;")
        self.caption.setWordWrap(True)
        self.message = error_label()
        self.table = UnitValuesTable()
        self.table.hide()
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        for widget in (self.data_units, self.message, self.caption, self.table):
            layout.addWidget(widget)
        self.input_size = 0
        self.typed: list[float] | None = None

    def set_input_size(self, size: int) -> None:
        """The network takes ``size`` numbers; the box hides for image-sized inputs."""
        self.input_size = size
        example = ", ".join((EXAMPLE * size)[:size])
        self.edit.setPlaceholderText(f"{size} number{'s' if size != 1 else ''}, e.g. {example}")
        self.setVisible(size <= MAX_TYPED_INPUTS)

    def set_preprocessing(self, method: str | None) -> None:
        """Offer "in the data's units" when the run preprocesses its inputs."""
        active = method not in (None, "none")
        # Short, so the inspector fits its dock: the checkbox's text never wraps.
        self.data_units.setText("in the data's units")
        self.data_units.setToolTip(tooltip(
            f"On: the numbers are in the data's units and go through the run's preprocessing "
            f"({method}) before the network, as the training data does. Off: they are the "
            "network's input x exactly."))
        self.data_units.setVisible(active)
        if not active:
            self.data_units.setChecked(False)

    def _submit(self) -> None:
        try:
            numbers = parse_numbers(self.edit.text())
        except ValueError as exc:
            self.show_message(str(exc), error=True)
            return
        self.typed = numbers
        self.input_typed.emit(numbers, self.data_units.isChecked())

    def evaluate(self, numbers: list[float]) -> None:
        """Evaluate the network input ``numbers`` (a point clicked on a plot of the network's
        inputs) as if typed: shown in the box, off "in the data's units"."""
        with QSignalBlocker(self.data_units):
            self.data_units.setChecked(False)
        self.edit.setText(", ".join(f"{v:.4g}" for v in numbers))
        self.typed = [float(v) for v in numbers]
        self.input_typed.emit(self.typed, False)

    def _resubmit(self) -> None:
        if self.typed is not None:
            self.input_typed.emit(self.typed, self.data_units.isChecked())

    # ----- what the feed delivers -----------------------------------------------------------
    def show_values(self, values: Mapping[str, Mapping[str, np.ndarray]], caption: str) -> None:
        show_error(self.message, "")
        self.caption.setText(caption)
        self.table.show_values(values)
        self.table.show()

    def show_message(self, text: str, error: bool = False) -> None:
        """A note in place of the values (waiting for a snapshot), or an error in red."""
        if error:
            show_error(self.message, text)
            self.caption.setText("")
            self.table.hide()
        else:
            show_error(self.message, "")
            self.caption.setText(text)

    def highlight(self, layer: str | None) -> None:
        self.table.highlight(layer)
