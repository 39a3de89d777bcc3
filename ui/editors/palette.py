"""The palette: every registered layer type, grouped by category.

Drag a type onto the canvas to place it, or double-click it to append it to the design.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from simulator.layers import LAYERS
from ui.design.drag import LAYER_MIME, layer_mime

#: Categories in teaching order; any other category follows, alphabetically.
CATEGORY_ORDER = ("Core", "Activations", "Convolution", "Normalization", "Regularization",
                  "Merge")
TYPE_ROLE = Qt.ItemDataRole.UserRole


def grouped_layers() -> dict[str, list[str]]:
    """{category: [layer type, ...]} for every registered layer, categories in teaching order."""
    groups: dict[str, list[str]] = {}
    for name, cls in LAYERS.items():
        groups.setdefault(cls.category, []).append(name)
    rank = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    ordered = sorted(groups, key=lambda c: (rank.get(c, len(rank)), c))
    return {c: groups[c] for c in ordered}


class Palette(QTreeWidget):
    layer_chosen = Signal(str)   # a type name, on double-click

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setIndentation(10)
        for category, names in grouped_layers().items():
            header = QTreeWidgetItem([category])
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = header.font(0)
            font.setBold(True)
            header.setFont(0, font)
            self.addTopLevelItem(header)
            for name in names:
                item = QTreeWidgetItem([name])
                item.setData(0, TYPE_ROLE, name)
                doc = inspect.getdoc(LAYERS.get(name)) or name
                item.setToolTip(0, f"{doc.splitlines()[0]}\n\nDrag onto the canvas, or "
                                   "double-click to add it at the end.")
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsDragEnabled)
                header.addChild(item)
        self.expandAll()
        self.itemDoubleClicked.connect(self._on_double_click)

    def type_names(self) -> list[str]:
        headers = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        return [item.data(0, TYPE_ROLE) for header in headers if header is not None
                for item in (header.child(j) for j in range(header.childCount()))
                if item is not None]

    def mimeData(self, items: Sequence[QTreeWidgetItem]) -> QMimeData:  # Qt's name
        names = [i.data(0, TYPE_ROLE) for i in items if i.data(0, TYPE_ROLE)]
        return layer_mime(names[0]) if names else QMimeData()

    def mimeTypes(self) -> list[str]:
        return [LAYER_MIME]

    def _on_double_click(self, item: QTreeWidgetItem, _column: int) -> None:
        name = item.data(0, TYPE_ROLE)
        if name:
            self.layer_chosen.emit(name)
