"""The live panels in two tab stacks, one above the other, so two panels are always in view.

The panels are dealt alternately from the catalogue's list (its first two are the two in view at
start). Each sits in a scroll area, so a panel taller than the space it gets scrolls instead of
pushing the window past the bottom of a small screen. The tabs never overflow their bar: a
label that does not fit is shortened with "…" (the whole title is its tooltip), never hidden
behind scroll arrows.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QSplitter, QTabWidget, QWidget

from ui.panels.base import Panel

STACKS = 2


class PanelTabs(QSplitter):
    def __init__(self, panels: Sequence[Panel], parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.panels = list(panels)
        self.stacks: list[QTabWidget] = []
        self._pages: dict[int, QScrollArea] = {}
        for first in range(min(STACKS, len(panels))):
            tabs = QTabWidget()
            tabs.setDocumentMode(True)
            tabs.setElideMode(Qt.TextElideMode.ElideRight)
            tabs.setUsesScrollButtons(False)
            for panel in panels[first::STACKS]:
                page = _page(panel)
                self._pages[id(panel)] = page
                index = tabs.addTab(page, panel.title)
                tabs.setTabToolTip(index, panel.title)
            self.stacks.append(tabs)
            self.addWidget(tabs)
        self.setChildrenCollapsible(False)

    def panels_of(self, tabs: QTabWidget) -> list[Panel]:
        """The panels of one stack, in tab order."""
        return [_panel(tabs.widget(i)) for i in range(tabs.count())]

    def in_view(self) -> list[Panel]:
        """The panel at the front of each stack."""
        return [_panel(tabs.currentWidget()) for tabs in self.stacks]

    def show_panel(self, panel: QWidget) -> None:
        """Bring ``panel`` to the front of its stack."""
        page = self._pages.get(id(panel))
        for tabs in self.stacks:
            index = tabs.indexOf(page) if page is not None else -1
            if index >= 0:
                tabs.setCurrentIndex(index)


def _page(panel: Panel) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(panel)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


def _panel(page: QWidget | None) -> Panel:
    assert isinstance(page, QScrollArea)
    panel = page.widget()
    assert isinstance(panel, Panel)
    return panel
