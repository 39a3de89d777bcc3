"""The palette lists every registered layer by category; a double click or a drag offers one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem

from simulator.layers import LAYERS, layer_names
from ui.editors.palette import Palette, grouped_layers


def test_palette_lists_every_registered_layer_by_category(qtbot) -> None:
    palette = Palette()
    qtbot.addWidget(palette)
    assert sorted(palette.type_names()) == sorted(layer_names())
    for category, names in grouped_layers().items():
        assert all(LAYERS.get(n).category == category for n in names)
    chosen: list[str] = []
    palette.layer_chosen.connect(chosen.append)
    dense: QTreeWidgetItem = palette.findItems("Dense", Qt.MatchFlag.MatchRecursive)[0]
    palette.itemDoubleClicked.emit(dense, 0)
    assert chosen == ["Dense"]
    assert bytes(palette.mimeData([dense]).data("application/x-backprop-layer")) == b"Dense"
