"""The panel tabs: two stacks whose labels always fit, and pages that scroll rather than
make the window taller than the screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout

from tests.ui.screens import on_screen
from ui.panels.base import Panel
from ui.shell.panel_tabs import PanelPage, PanelTabs, label_cap


def test_labels_that_fit_are_not_capped() -> None:
    assert label_cap([40, 60, 80], padding=60, room=240, smallest=20) is None


def test_the_longest_labels_are_shortened_first() -> None:
    cap = label_cap([30, 100, 120], padding=30, room=220, smallest=20)
    assert cap == 80                     # 30 + 80 + 80 = 190 = 220 - 30: the short one stays
    assert label_cap([30, 100, 120], padding=30, room=50, smallest=20) == 20


def _tall_panel(title: str, minimum: int) -> Panel:
    panel = Panel()
    panel.title = title
    layout = QVBoxLayout(panel)
    label = QLabel(title)
    label.setMinimumHeight(minimum)
    layout.addWidget(label)
    return panel


def test_a_page_gives_its_panel_all_its_room_or_scrolls_below_its_minimum(qtbot) -> None:
    panel = _tall_panel("Tall", 300)
    page = PanelPage(panel)
    qtbot.addWidget(page)
    page.resize(400, 500)
    page.show()
    QApplication.processEvents()
    assert panel.size() == page.maximumViewportSize()
    assert not page.verticalScrollBar().isVisible()
    page.resize(400, 200)
    QApplication.processEvents()
    assert panel.height() >= 300
    assert page.verticalScrollBar().isVisible()
    assert panel.width() + page.verticalScrollBar().width() <= 400


def test_a_wrapped_caption_gets_its_lines_and_never_covers_the_plot_above(qtbot) -> None:
    from PySide6.QtWidgets import QWidget

    panel = Panel()
    layout = QVBoxLayout(panel)
    plot = QWidget()
    plot.setMinimumHeight(150)
    caption = QLabel("Units that stopped learning: dead ReLU, saturated sigmoid or tanh, "
                     "and a few more words so that it takes several lines")
    caption.setWordWrap(True)
    layout.addWidget(plot, 3)
    layout.addWidget(caption)
    page = PanelPage(panel)
    qtbot.addWidget(page)
    page.resize(220, 120)                      # less than the panel needs: it scrolls
    page.show()
    QApplication.processEvents()
    assert caption.height() >= caption.heightForWidth(caption.width())   # every line
    assert caption.geometry().top() >= plot.geometry().bottom()
    assert plot.height() >= 150
    assert page.verticalScrollBar().isVisible()


def test_every_panel_sits_in_one_stack_and_can_be_brought_forward(qtbot) -> None:
    panels = [_tall_panel(f"Panel {i}", 10) for i in range(5)]
    tabs = PanelTabs(panels)
    qtbot.addWidget(tabs)
    assert [tabs.panels_of(stack) for stack in tabs.stacks] == [panels[0::2], panels[1::2]]
    assert tabs.in_view() == panels[:2]
    tabs.show_panel(panels[3])
    assert tabs.in_view() == [panels[0], panels[3]]


def _labels(stack) -> list[str]:
    return [stack.tabText(i) for i in range(stack.count())]


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "presentation"])
def test_the_tabs_never_overflow_at_1280x720(main_window, qtbot, presenting) -> None:
    window = main_window
    with on_screen(window, qtbot, presenting=presenting):
        QApplication.processEvents()
        shortened = []
        for stack in window.panel_tabs.stacks:
            bar = stack.tabBar()
            assert bar.tabRect(bar.count() - 1).right() < stack.width()
            labels = _labels(stack)
            short = labels != stack.titles       # a stack shows all its titles, or all short
            for index, (label, title, brief) in enumerate(zip(
                    labels, stack.titles, stack.short_titles, strict=True)):
                assert stack.tabToolTip(index) == title
                if short:
                    assert label == brief or (label.endswith("…") and len(label) >= 4
                                              and brief.startswith(label[:-1].rstrip()))
                    shortened.append(title)
        if presenting:        # the large text does not fit whole: the short titles stand in
            assert shortened
            assert "Decision boundary" in shortened
            labels = _labels(window.panel_tabs.stacks[1])
            assert "Boundary" in labels          # read whole, not "Decisi…"
        else:
            assert shortened == []


def _split(panels, roomy, qtbot) -> PanelTabs:
    tabs = PanelTabs(panels, roomy=roomy)
    qtbot.addWidget(tabs)
    tabs.resize(400, 600)
    tabs.show()
    qtbot.waitExposed(tabs)
    QApplication.processEvents()
    return tabs


def test_a_roomy_panel_in_front_takes_the_room_the_other_stack_can_spare(qtbot) -> None:
    panels = [_tall_panel(f"Panel {i}", 100) for i in range(4)]
    tabs = _split(panels, roomy=[panels[3]], qtbot=qtbot)
    even = tabs.sizes()
    assert abs(even[0] - even[1]) <= 1
    tabs.show_panel(panels[3])
    QApplication.processEvents()
    upper, lower = tabs.sizes()
    assert lower == round(sum(even) * 2 / 3)          # two thirds: the other panel fits
    assert upper >= panels[0].minimumSizeHint().height()
    tabs.show_panel(panels[1])                          # out of the front: the split returns
    assert tabs.sizes() == even


def test_a_click_on_a_roomy_tab_paints_its_panel_before_the_room_moves(qtbot) -> None:
    """What the click asks for comes first: the panel, painted at the height its stack had;
    then the stack takes its room (resizing both stacks lays out every plot in them again,
    which would hold the switch back)."""
    panels = [_tall_panel(f"Panel {i}", 100) for i in range(4)]
    tabs = _split(panels, roomy=[panels[3]], qtbot=qtbot)
    even = tabs.sizes()
    sizes_at_paint = []

    class Painted(QObject):
        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                sizes_at_paint.append(tabs.sizes())
            return False

    watcher = Painted()
    panels[3].installEventFilter(watcher)
    bar = tabs.stacks[1].tabBar()                 # panels are dealt alternately: its 2nd tab
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert tabs.in_view()[1] is panels[3]
    assert tabs.sizes() == even                   # not yet
    qtbot.waitUntil(lambda: tabs.sizes() != even)
    assert sizes_at_paint[0] == even
    assert tabs.sizes()[1] == round(sum(even) * 2 / 3)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(0).center())
    qtbot.waitUntil(lambda: tabs.sizes() == even)  # and given back after the next switch


def test_the_other_stack_keeps_the_room_its_panel_needs(qtbot) -> None:
    panels = [_tall_panel("Plot", 200), _tall_panel("Table", 10)]
    tabs = _split(panels, roomy=[panels[1]], qtbot=qtbot)   # the table in front from the start
    upper, lower = tabs.sizes()
    assert upper + 20 < lower < round((upper + lower) * 2 / 3)   # the table's stack grew ...
    page = tabs.stacks[0].currentWidget()
    assert page.height() >= panels[0].minimumSizeHint().height()   # ... but not over the plot
    assert not page.verticalScrollBar().isVisible()


def test_a_split_dragged_by_hand_stays(qtbot) -> None:
    panels = [_tall_panel(f"Panel {i}", 50) for i in range(4)]
    tabs = _split(panels, roomy=[panels[3]], qtbot=qtbot)
    tabs.show_panel(panels[3])
    tabs.moveSplitter(250, 1)                   # what a drag of the divider does
    tabs.splitterMoved.emit(250, 1)
    dragged = tabs.sizes()
    tabs.show_panel(panels[1])
    assert tabs.sizes() == dragged
