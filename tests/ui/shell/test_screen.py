"""The window opens at a size that fits the screen of the classroom, status bar included."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QApplication

from ui.shell.screen import FRAME, PREFERRED_SIZE, fitted_geometry

#: A laptop, a small projector and a full-HD projector.
SCREENS = [(1366, 768), (1280, 720), (1920, 1080)]


def test_a_large_screen_gets_the_preferred_size_centred() -> None:
    geometry, fits = fitted_geometry(QRect(0, 0, 1920, 1080))
    assert fits
    assert geometry.size() == PREFERRED_SIZE
    assert geometry.center().x() == pytest.approx(960, abs=1)


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1280, 720)])
def test_a_small_screen_is_filled_and_leaves_room_for_the_frame(width, height) -> None:
    available = QRect(0, 0, width, height)
    geometry, fits = fitted_geometry(available)
    assert not fits
    assert geometry.height() == height - FRAME.top() - FRAME.bottom()
    assert available.contains(geometry.marginsAdded(FRAME))


def test_a_task_bar_is_left_free() -> None:
    available = QRect(0, 40, 1280, 680)          # a panel 40 px high at the top
    geometry, _ = fitted_geometry(available, QSize(1280, 800))
    assert geometry.top() == 40 + FRAME.top()
    assert available.contains(geometry.marginsAdded(FRAME))


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "presentation"])
@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_the_window_fits_with_its_status_bar_in_view(main_window, qtbot, width, height,
                                                     presenting) -> None:
    window = main_window
    window.menus.presentation.setChecked(presenting)
    try:
        available = QRect(0, 0, width, height)
        window.fit_to_screen(available)
        window.show()
        qtbot.waitExposed(window)
        QApplication.processEvents()
        wanted, _ = fitted_geometry(available)
        assert window.size() == wanted.size()      # no minimum size pushed it past the screen
        assert available.contains(window.geometry())
        bar = window.statusBar()
        assert bar.isVisible()
        assert window.rect().contains(bar.geometry())
        progress = window.progress
        assert progress.isVisible()
        assert window.rect().contains(progress.mapTo(window, progress.rect().bottomRight()))
    finally:
        window.menus.presentation.setChecked(False)
