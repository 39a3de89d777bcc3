"""The main window on a screen of a given size, in Presentation mode or not (the screens a class
uses: a 1280x720 laptop, a projector)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QRect


@contextmanager
def on_screen(window: Any, qtbot: Any, width: int = 1280, height: int = 720,
              presenting: bool = True) -> Iterator[QRect]:
    """``window`` fitted to a ``width`` × ``height`` screen and shown (its rectangle is what
    the block gets); Presentation mode is turned off again on the way out."""
    screen = QRect(0, 0, width, height)
    window.fit_to_screen(screen)
    window.show()
    qtbot.waitExposed(window)
    window.menus.presentation.setChecked(presenting)
    try:
        yield screen
    finally:
        window.menus.presentation.setChecked(False)
