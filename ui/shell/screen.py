"""The size the main window opens at: its preferred size, or the screen's free area if smaller.

Classroom screens are often smaller than the preferred 1280×800 (a 1366×768 laptop, a 1280×720
projector), and a window taller than the screen hides its status bar. The free area
(``QScreen.availableGeometry``: the screen less its task bars) still includes the window
manager's title bar and borders, which are kept free too.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QRect, QSize

PREFERRED_SIZE = QSize(1280, 800)
#: Room left for a window manager's frame: a title bar above, thin borders on the other sides.
FRAME = QMargins(4, 32, 4, 4)


def fitted_geometry(available: QRect, preferred: QSize = PREFERRED_SIZE,
                    frame: QMargins = FRAME) -> tuple[QRect, bool]:
    """The window's geometry (its inside, without the frame) centred in ``available``, and
    whether ``preferred`` fitted whole."""
    room = available.marginsRemoved(frame)
    size = preferred.boundedTo(room.size())
    left = room.left() + (room.width() - size.width()) // 2
    top = room.top() + (room.height() - size.height()) // 2
    return QRect(left, top, size.width(), size.height()), size == preferred
