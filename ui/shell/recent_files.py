"""File ▸ Open Recent: the projects and networks opened or saved lately, kept across starts.

The list lives in the user's settings (:func:`ui.shell.user_dirs.user_settings`), newest first,
at most :data:`MAX_RECENT`; files that no longer exist are left out when the menu opens. A
missing or odd value in the settings file reads as an empty list.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMenu

MAX_RECENT = 10
KEY = "recent_files"


class RecentFiles:
    def __init__(self, settings: QSettings, menu: QMenu,
                 open_file: Callable[[str], object]) -> None:
        self.settings, self.menu, self._open = settings, menu, open_file
        menu.aboutToShow.connect(self.fill)
        self.fill()

    def paths(self) -> list[str]:
        """The remembered files that still exist, newest first."""
        value = self.settings.value(KEY, [])
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [p for p in items if isinstance(p, str) and p and Path(p).is_file()][:MAX_RECENT]

    def add(self, path: str | Path) -> None:
        name = str(Path(path).expanduser().resolve())
        self.settings.setValue(KEY, [name, *(p for p in self.paths() if p != name)][:MAX_RECENT])
        self.settings.sync()
        self.fill()

    def clear(self) -> None:
        self.settings.setValue(KEY, [])
        self.settings.sync()
        self.fill()

    def fill(self) -> None:
        self.menu.clear()
        paths = self.paths()
        for number, path in enumerate(paths, start=1):
            action = self.menu.addAction(f"&{number % 10}  {Path(path).name}")
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _c=False, p=path: self._open(p))
        if not paths:
            self.menu.addAction("No recent files").setEnabled(False)
            return
        self.menu.addSeparator()
        self.menu.addAction("Clear the list").triggered.connect(lambda _c=False: self.clear())
        self.menu.setToolTipsVisible(True)


def install_recent_files(menu: QMenu, open_file: Callable[[str], object],
                         settings: QSettings | None = None) -> RecentFiles:
    from ui.shell.user_dirs import user_settings

    return RecentFiles(settings or user_settings(), menu, open_file)
