"""The live panels in two tab stacks, one above the other, so two panels are always in view.

The panels are dealt alternately from the catalogue's list (its first two are the two in view at
start). Each sits on a :class:`PanelPage`: it fills the page, as on a plain tab page, but a page
smaller than the panel's minimum size scrolls, instead of the panel pushing the window past the
bottom of a small screen. The tabs never overflow their bar (:class:`PanelStack`): when the
titles do not fit (large text in presentation mode, a narrow window) the longest are shortened
with "…" first, so short titles stay whole; each tab's tooltip is its whole title.

Some panels read better tall (the step-through's table of numbers: ``roomy``). While one is in
front, its stack takes two thirds of the height, or all the other stack can spare (the other
keeps the room its front panel needs at least), and gives it back when it leaves the front,
unless the divider was dragged meanwhile (then the user's split stays). After a click on a tab
the room follows the panel's first paint, so the switch itself is quick.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QScrollArea, QSplitter, QStyle, QTabWidget, QWidget

from ui.panels.base import Panel
from ui.training.pacing import after_paint

STACKS = 2


#: The share of the height a stack takes while a roomy panel is in its front.
ROOMY_SHARE = 2 / 3


class PanelTabs(QSplitter):
    def __init__(self, panels: Sequence[Panel], parent: QWidget | None = None,
                 roomy: Collection[Panel] = ()) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.panels = list(panels)
        self.roomy = [id(panel) for panel in roomy]
        #: The split before a roomy panel took room, to give back (None: nothing taken).
        self._taken_from: list[int] | None = None
        self.stacks: list[PanelStack] = []
        #: A tab switch shows its panel first, at the height its stack has; the room a roomy
        #: panel takes (or gives back) follows once that is painted. Resizing the stacks lays
        #: out and repaints every plot in both: done at once, it held a tab switch back by
        #: 50-80 ms at Full speed (benchmarks/ui_bench.py).
        self._room_after_paint = after_paint(self.share_room, self)
        self._pages: dict[int, PanelPage] = {}
        for first in range(min(STACKS, len(panels))):
            tabs = PanelStack()
            for panel in panels[first::STACKS]:
                page = PanelPage(panel)
                self._pages[id(panel)] = page
                tabs.add_panel(page, panel.title, panel.short_title)
            self.stacks.append(tabs)
            self.addWidget(tabs)
            tabs.currentChanged.connect(self._room_after_paint.start)
        self.setChildrenCollapsible(False)
        self.splitterMoved.connect(self._moved_by_hand)

    def panels_of(self, tabs: QTabWidget) -> list[Panel]:
        """The panels of one stack, in tab order."""
        return [_panel(tabs.widget(i)) for i in range(tabs.count())]

    def in_view(self) -> list[Panel]:
        """The panel at the front of each stack."""
        return [_panel(tabs.currentWidget()) for tabs in self.stacks]

    def share_room(self) -> None:
        """Give a stack with a roomy panel in front its share of the height, or give the
        split back once no roomy panel is in front."""
        fronts = [id(panel) in self.roomy for panel in self.in_view()]
        if len(fronts) != STACKS or fronts.count(True) != 1:
            if self._taken_from is not None and not any(fronts):
                self.setSizes(self._taken_from)
                self._taken_from = None
            return
        sizes = self.sizes()
        total = sum(sizes)
        if total <= 0:
            return                                  # not laid out yet: on the first resize
        wide = fronts.index(True)
        other = self.stacks[1 - wide]
        needs = _overhead(other) + least_height(_panel(other.currentWidget()), other.width())
        share = max(sizes[wide], min(round(total * ROOMY_SHARE), total - needs))
        if share == sizes[wide]:
            return
        if self._taken_from is None:
            self._taken_from = sizes
        new = [0] * STACKS
        new[wide], new[1 - wide] = share, total - share
        self.setSizes(new)

    def _moved_by_hand(self) -> None:
        self._taken_from = None              # the user's split: nothing to give back

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.share_room()

    def show_panel(self, panel: QWidget) -> None:
        """Bring ``panel`` to the front of its stack, with the room it takes (at once, unlike
        a click on its tab)."""
        page = self._pages.get(id(panel))
        for tabs in self.stacks:
            index = tabs.indexOf(page) if page is not None else -1
            if index >= 0:
                tabs.setCurrentIndex(index)
        self._room_after_paint.stop()
        self.share_room()


class PanelStack(QTabWidget):
    """One stack of panel tabs whose labels always fit the stack's width: the full titles
    when they fit, else the panels' short titles (a word a class can still read from the back
    of the room), shortened with "…", longest first, only when even those do not fit. The
    full title is always the tab's tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self.setUsesScrollButtons(False)
        self.setElideMode(Qt.TextElideMode.ElideNone)   # shortened here, longest first
        self.titles: list[str] = []
        self.short_titles: list[str] = []

    def add_panel(self, page: QWidget, title: str, short: str | None = None) -> None:
        self.titles.append(title)
        self.short_titles.append(short or title)
        index = self.addTab(page, title)
        self.setTabToolTip(index, title)
        self.fit_labels()

    def fit_labels(self) -> None:
        bar = self.tabBar()
        metrics = QFontMetrics(bar.font())
        padding = sum(bar.tabSizeHint(i).width() - metrics.horizontalAdvance(bar.tabText(i))
                      for i in range(bar.count()))
        smallest = metrics.horizontalAdvance("Ab…")
        titles = self.titles
        cap = label_cap([metrics.horizontalAdvance(t) for t in titles], padding, self.width(),
                        smallest)
        if cap is not None:
            titles = self.short_titles
            cap = label_cap([metrics.horizontalAdvance(t) for t in titles], padding,
                            self.width(), smallest)
        for index, title in enumerate(titles):
            text = title if cap is None else metrics.elidedText(
                title, Qt.TextElideMode.ElideRight, cap)
            if bar.tabText(index) != text:
                bar.setTabText(index, text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_labels()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit_labels()


def label_cap(widths: Sequence[int], padding: int, room: int, smallest: int) -> int | None:
    """The widest a label's text may be so that labels of natural ``widths`` plus their
    ``padding`` (all tabs together) fit in ``room``: None when all fit whole, else the largest
    cap (never below ``smallest``) that shortens only the labels wider than it."""
    free = room - padding
    if sum(widths) <= free:
        return None
    kept = 0               # the labels narrower than the cap keep their width
    ordered = sorted(widths)
    for count, width in enumerate(ordered):
        others = len(ordered) - count
        cap = (free - kept) // others
        if cap < width:
            return max(smallest, cap)
        kept += width
    return max(smallest, ordered[-1])


class PanelPage(QScrollArea):
    """A panel's tab page. Unlike ``QScrollArea.setWidgetResizable``, which sizes a panel with
    word-wrapped text by its preferred height (and so scrolls a plot that could have shrunk),
    the panel gets exactly the page's room, or its least size where the room is smaller
    (:func:`least_height`: with every line its wrapped text takes at that width)."""

    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setWidget(panel)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit_panel()
        return super().viewportEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit_panel()      # the panel's minimum may have changed (a larger font)
        return super().eventFilter(watched, event)

    def fit_panel(self) -> None:
        panel = self.widget()
        if panel is None:
            return
        room = self.maximumViewportSize()
        minimum = panel.minimumSizeHint().expandedTo(panel.minimumSize())
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        width = max(minimum.width(), room.width())
        least = least_height(panel, width)
        if least > room.height():              # a vertical scroll bar takes some width
            width = max(minimum.width(), room.width() - bar)
            least = least_height(panel, width)
        height = max(least, room.height() - (bar if width > room.width() else 0))
        panel.resize(width, height)


def _overhead(stack: QTabWidget) -> int:
    """The height a stack takes besides its page: its tab bar, as the stack lays it out (by
    the bar's size hint; the sizes themselves may not be laid out yet)."""
    return stack.tabBar().sizeHint().height()


def least_height(panel: QWidget, width: int | None = None) -> int:
    """The least height ``panel`` can be laid out in at ``width`` (its own width by default):
    its minimum, or more where word-wrapped text takes more lines at that width (a minimum
    size hint counts a wrapped label's lines at the label's preferred width, and a panel
    given only that laid a caption over the plot above it)."""
    least = panel.minimumSizeHint().expandedTo(panel.minimumSize()).height()
    layout = panel.layout()
    if layout is not None and layout.hasHeightForWidth():
        least = max(least, layout.totalMinimumHeightForWidth(
            panel.width() if width is None else width))
    return least


def _panel(page: QWidget | None) -> Panel:
    assert isinstance(page, PanelPage)
    panel = page.widget()
    assert isinstance(panel, Panel)
    return panel
