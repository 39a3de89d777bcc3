"""Table helpers shared by the experiment views: number cells, and a table as wide as its
columns beside a plot."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
)


def results_table(headers: list[str]) -> QTableWidget:
    """A read-only table of results, one row each, columns fitted to their contents."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def number_item(text: str, bold: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if bold:
        font = QFont()
        font.setBold(True)
        item.setFont(font)
    return item


def fit_table(splitter: QSplitter, table: QTableWidget, max_fraction: float = 0.6) -> None:
    """Give ``table`` (one side of ``splitter``) the width of its columns, at most
    ``max_fraction`` of the splitter; the other side gets the rest."""
    sizes = splitter.sizes()
    total = sum(sizes)
    want = (table.horizontalHeader().length() + 2 * table.frameWidth()
            + table.verticalScrollBar().sizeHint().width())
    width = min(want, int(max_fraction * total)) if total > 0 else want
    index = splitter.indexOf(table)
    rest = max(total - width, 1)
    splitter.setSizes([width, rest] if index == 0 else [rest, width])
