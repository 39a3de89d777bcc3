"""Small read-only tables of numbers: a layer's parameters and every unit's value for an input.

A layer's parameters come as the engine shows them (``Layer.user_params``): Dense ``weights``
are W with one row per unit and one column per input, so a table has a row per unit, the
inputs' columns, then the bias (and BatchNorm's γ and β) as columns of their own, the way the
course writes σ(W x + b). Tensors too large for a table are summarised in one line. The tables
only display what they are given: they compute nothing from it but the summary's statistics.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.editors.help_texts import option_help, tooltip

#: Largest table drawn value by value: rows (units) and columns (inputs and biases).
MAX_ROWS, MAX_COLUMNS = 32, 10
#: Layers with more values than this are summarised in the unit-values table.
MAX_UNITS_LISTED = 16
SYMBOLS = {"weights": "W", "bias": "b", "gamma": "γ", "beta": "β"}


def number(value: float) -> str:
    """3 significant digits; a rounded value keeps its trailing zeros (0.99999 is "1.00", not
    "1"), an exact one drops them (a typed weight 1 is "1")."""
    value = float(value)
    if value == 0 or not math.isfinite(value) or not 1e-3 <= abs(value) < 1e4:
        return f"{value:.3g}"
    text = np.format_float_positional(value, precision=3, unique=False, fractional=False,
                                      trim="k")
    if float(text) == value:
        text = text.rstrip("0") if "." in text else text
    return text.rstrip(".")


def _fit_columns(table: QTableWidget) -> None:
    """Columns follow their contents (numbers rewritten in place stay readable)."""
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


def _fixed_height(table: QTableWidget) -> None:
    table.resizeRowsToContents()
    height = table.horizontalHeader().height() + 2 * table.frameWidth() + sum(
        table.rowHeight(r) for r in range(table.rowCount()))
    table.setFixedHeight(height)


def _table(rows: int, columns: int) -> QTableWidget:
    table = QTableWidget(rows, columns)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    _fit_columns(table)
    return table


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    return item


# ----- a layer's parameters ---------------------------------------------------------------
def parameter_columns(params: Mapping[str, np.ndarray]
                      ) -> tuple[np.ndarray, list[str]] | None:
    """(matrix, column labels) of one table holding every parameter, one row per unit; None
    when they do not line up (or are too many to list)."""
    columns: list[np.ndarray] = []
    labels: list[str] = []
    rows = None
    for key, value in params.items():
        array = np.asarray(value, dtype=np.float64)
        if array.ndim == 2:
            block, names = array, [f"in {j + 1}" for j in range(array.shape[1])]
        elif array.ndim == 1:
            block, names = array[:, None], [SYMBOLS.get(key, key)]
        else:
            return None
        if rows is not None and block.shape[0] != rows:
            return None
        rows = block.shape[0]
        columns.append(block)
        labels += names
    if rows is None or rows > MAX_ROWS or len(labels) > MAX_COLUMNS:
        return None
    return np.concatenate(columns, axis=1), labels


def summary(key: str, value: np.ndarray) -> str:
    array = np.asarray(value, dtype=np.float64)
    shape = " × ".join(map(str, array.shape))
    return (f"{SYMBOLS.get(key, key)} ({key}, {shape}): mean {number(array.mean())}, "
            f"std {number(array.std())}, from {number(array.min())} to {number(array.max())}")


class ParameterView(QWidget):
    """One layer's parameters: a table ``[W | b]`` with a row per unit, or summary lines.

    :meth:`update_values` rewrites the numbers in place when the shapes are unchanged, so a
    live view refreshed on every snapshot does not rebuild widgets.
    """

    def __init__(self, layer_type: str, params: Mapping[str, np.ndarray],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer_type = layer_type
        self.shapes = {k: np.shape(v) for k, v in params.items()}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table: QTableWidget | None = None
        self.lines: dict[str, QLabel] = {}
        columns = parameter_columns(params)
        if columns is not None:
            matrix, labels = columns
            self.table = _table(*matrix.shape)
            self.table.setHorizontalHeaderLabels(labels)
            self.table.setVerticalHeaderLabels([f"unit {i + 1}" for i in range(matrix.shape[0])])
            self.table.setToolTip(tooltip("\n\n".join(
                f"{SYMBOLS.get(k, k)}: {option_help(k, layer_type)}" for k in params)))
            for (r, c), v in np.ndenumerate(matrix):
                self.table.setItem(r, c, _item(number(v)))
            _fixed_height(self.table)
            layout.addWidget(self.table)
        else:
            for key, value in params.items():
                line = QLabel(summary(key, value))
                line.setWordWrap(True)
                line.setToolTip(tooltip(option_help(key, layer_type)))
                self.lines[key] = line
                layout.addWidget(line)

    def fits(self, params: Mapping[str, np.ndarray]) -> bool:
        return {k: np.shape(v) for k, v in params.items()} == self.shapes

    def update_values(self, params: Mapping[str, np.ndarray]) -> None:
        """New numbers of the same shapes (see :meth:`fits`)."""
        if self.table is not None:
            columns = parameter_columns(params)
            if columns is None:
                return
            for (r, c), v in np.ndenumerate(columns[0]):
                item = self.table.item(r, c)
                if item is not None:
                    item.setText(number(v))
        else:
            for key, value in params.items():
                if key in self.lines:
                    self.lines[key].setText(summary(key, value))

    def values(self) -> list[list[str]]:
        """The texts shown, row by row (the table's cells, or the summary lines)."""
        if self.table is None:
            return [[line.text()] for line in self.lines.values()]
        table = self.table
        return [[_text(table.item(r, c)) for c in range(table.columnCount())]
                for r in range(table.rowCount())]


# ----- every unit's value for one input ---------------------------------------------------
def unit_rows(values: Mapping[str, Mapping[str, np.ndarray]]
              ) -> list[tuple[str, str, str, str]]:
    """(layer, row label, z text, a text) of every unit for one input (the first sample of
    :func:`simulator.training.probes.layer_values`); a large layer is one summary row."""
    rows = []
    for name, entry in values.items():
        a = np.asarray(entry["a"], dtype=np.float64)[0]
        z = entry.get("z")
        z = None if z is None else np.asarray(z, dtype=np.float64)[0]
        label = "x" if name == "input" else name
        if a.size > MAX_UNITS_LISTED:
            shape = " × ".join(map(str, a.shape))
            rows.append((name, f"{label} ({shape})", "",
                         f"{number(a.min())} … {number(a.max())}"))
            continue
        for i, value in enumerate(a.reshape(-1)):
            z_text = "" if z is None else number(z.reshape(-1)[i])
            rows.append((name, f"{label} · {i + 1}", z_text, number(value)))
    return rows


class UnitValuesTable(QTableWidget):
    """Every unit's z (what it feeds its activation) and a (its output) for one input."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalHeaderLabels(["z", "a"])
        _fit_columns(self)
        z_header, a_header = self.horizontalHeaderItem(0), self.horizontalHeaderItem(1)
        assert z_header is not None     # the labels were just set
        assert a_header is not None
        z_header.setToolTip(tooltip(
            "z = W x + b, what the unit feeds its activation (empty for layers without one)"))
        a_header.setToolTip(tooltip(
            "a = σ(z), the unit's output: what the next layer receives"))
        self.layers: list[str] = []
        self.highlighted: str | None = None

    def show_values(self, values: Mapping[str, Mapping[str, np.ndarray]]) -> None:
        rows = unit_rows(values)
        labels = [label for _, label, _, _ in rows]
        if self.rowCount() != len(rows) or [
                self.verticalHeaderItem(r).text() if self.verticalHeaderItem(r) else ""
                for r in range(self.rowCount())] != labels:
            self.setRowCount(len(rows))
            self.setVerticalHeaderLabels(labels)
        self.layers = [layer for layer, _, _, _ in rows]
        for r, (_, _, z, a) in enumerate(rows):
            for c, text in enumerate((z, a)):
                item = self.item(r, c)
                if item is None:
                    self.setItem(r, c, _item(text))
                else:
                    item.setText(text)
        self.highlight(self.highlighted)
        _fixed_height(self)

    def highlight(self, layer: str | None) -> None:
        """Show the rows of ``layer`` (the one selected on the canvas) in bold."""
        self.highlighted = layer
        for r, name in enumerate(self.layers):
            for c in range(2):
                item = self.item(r, c)
                if item is not None:
                    font = QFont(item.font())
                    font.setBold(name == layer)
                    item.setFont(font)

    def cell_texts(self) -> dict[str, tuple[str, str]]:
        """{row label: (z text, a text)}: what the table shows."""
        return {_text(self.verticalHeaderItem(r)): (_text(self.item(r, 0)), _text(self.item(r, 1)))
                for r in range(self.rowCount())}


def _text(item: QTableWidgetItem | None) -> str:
    """A cell's or header's text ("" where there is no item)."""
    return "" if item is None else item.text()
