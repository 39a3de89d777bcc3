"""View ▸ Theme: System, Light or Dark, remembered from one start to the next.

The choice lives in the user's settings (:func:`ui.shell.user_dirs.user_settings`, beside the
recent files), under :data:`KEY`; a missing or odd value reads as System. System follows the
desktop's colour scheme (``QStyleHints.colorScheme``, Qt 6.5+) and changes with it while the app
runs. :func:`apply_theme` draws everything in a theme: the widgets' palette (the Fusion style
for dark, which honours a palette on every platform), the plots' backgrounds, axes and text,
the canvas and the units view, and every styled label, in every open window; the colours
themselves are in :mod:`ui.style.theme`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QActionGroup, QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu

from ui.style import theme

SYSTEM = "system"
#: The menu's entries: the stored value and its label.
CHOICES = {SYSTEM: "&System", theme.LIGHT: "&Light", theme.DARK: "&Dark"}
KEY = "theme"
_styles: dict[str, str] = {}


def apply_theme(name: str) -> None:
    """Draw the whole app in theme ``name`` (:data:`ui.style.theme.THEMES`) from now on."""
    app = QApplication.instance()
    theme.set_theme(name)
    if not isinstance(app, QApplication):
        return
    if name == theme.DARK:
        _styles.setdefault("light", app.style().name())
        app.setStyle("Fusion")
    elif "light" in _styles:
        app.setStyle(_styles.pop("light"))
    app.setPalette(theme.qt_palette(name))
    for widget in app.topLevelWidgets():
        theme.restyle(widget)
    app.sendPostedEvents()       # the palette changes posted: a picture taken now shows them


def system_theme(scheme: Qt.ColorScheme) -> str:
    return theme.DARK if scheme == Qt.ColorScheme.Dark else theme.LIGHT


class ThemeChoice(QObject):
    """The Theme submenu of ``menu``, the stored choice, and the system's scheme followed."""

    def __init__(self, menu: QMenu, settings: QSettings) -> None:
        super().__init__(menu)
        self.settings = settings
        stored = settings.value(KEY, SYSTEM)
        self.choice = stored if isinstance(stored, str) and stored in CHOICES else SYSTEM
        hints = QGuiApplication.styleHints()
        self.system_scheme = hints.colorScheme()
        hints.colorSchemeChanged.connect(self._on_system_scheme)
        self.submenu = menu.addMenu("&Theme")
        group = QActionGroup(self.submenu)
        self.actions = {}
        for value, label in CHOICES.items():
            action = self.submenu.addAction(label)
            action.setCheckable(True)
            action.setChecked(value == self.choice)
            group.addAction(action)
            action.triggered.connect(lambda _c=False, v=value: self.set_choice(v))
            self.actions[value] = action
        self.actions[SYSTEM].setStatusTip("Light or dark as the desktop is, following it")
        self._request_scheme()
        self.apply()

    def effective(self) -> str:
        """The theme drawn for the current choice: light or dark."""
        return system_theme(self.system_scheme) if self.choice == SYSTEM else self.choice

    def set_choice(self, choice: str, remember: bool = True) -> None:
        """Choose System, Light or Dark; ``remember`` keeps it for the next start."""
        if choice not in CHOICES:
            raise ValueError(f"the theme must be one of {', '.join(CHOICES)}, got {choice!r}")
        self.choice = choice
        self.actions[choice].setChecked(True)
        if remember:
            self.settings.setValue(KEY, choice)
            self.settings.sync()
        self._request_scheme()
        self.apply()

    def apply(self) -> None:
        if self.effective() != theme.theme_name():
            apply_theme(self.effective())

    def _request_scheme(self) -> None:
        """Tell the platform (Qt 6.8+) which scheme to draw native parts in (title bars,
        dialogs): the one chosen, or the desktop's own for System."""
        hints = QGuiApplication.styleHints()
        if not hasattr(hints, "setColorScheme"):
            return
        wanted = {theme.LIGHT: Qt.ColorScheme.Light, theme.DARK: Qt.ColorScheme.Dark}
        hints.setColorScheme(wanted.get(self.choice, Qt.ColorScheme.Unknown))
        if self.choice == SYSTEM:
            self.system_scheme = hints.colorScheme()

    def _on_system_scheme(self, scheme: Qt.ColorScheme) -> None:
        if self.choice == SYSTEM:
            self.system_scheme = scheme
            self.apply()


def install_theme_choice(menu: QMenu, settings: QSettings | None = None) -> ThemeChoice:
    from ui.shell.user_dirs import user_settings

    return ThemeChoice(menu, settings or user_settings())
