"""View ▸ Theme: System, Light or Dark; the whole window (palette, every plot, the canvas, the
styled labels) follows, the system's scheme is followed, and the choice is kept across starts."""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPalette
from PySide6.QtWidgets import QApplication

from ui.app import parse_args, run_gui
from ui.shell.theme_choice import KEY, SYSTEM, ThemeChoice, apply_theme
from ui.shell.user_dirs import CONFIG_ENV, user_settings
from ui.style import theme
from ui.style.theme import (
    DARK,
    DARK_PALETTE,
    LIGHT,
    PLOT_COLORS,
    themed_color,
    themed_css,
)


@pytest.fixture(autouse=True)
def _own_settings_and_light_afterwards(qapp, monkeypatch, tmp_path_factory):
    """Each test keeps its choice in a settings folder of its own (made before the window),
    and leaves the app light, as the other tests expect it."""
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path_factory.mktemp("config")))
    yield
    apply_theme(LIGHT)


def _plot_views(window) -> list[pg.GraphicsView]:
    return window.findChildren(pg.GraphicsView)


def _backgrounds(window) -> set[str]:
    return {view.backgroundBrush().color().name() for view in _plot_views(window)}


def test_dark_changes_the_palette_and_every_plot_and_light_undoes_it(main_window, qapp) -> None:
    window = main_window
    assert len(_plot_views(window)) >= len(window.panels)
    assert _backgrounds(window) == {PLOT_COLORS[LIGHT][0]}
    light_window = qapp.palette().color(QPalette.ColorRole.Window).name()
    window.theme.actions[DARK].trigger()
    assert theme.theme_name() == DARK
    assert qapp.palette().color(QPalette.ColorRole.Window).name() == DARK_PALETTE["Window"]
    assert qapp.palette().color(QPalette.ColorRole.Text).name() == DARK_PALETTE["Text"]
    assert _backgrounds(window) == {PLOT_COLORS[DARK][0]}
    foreground = PLOT_COLORS[DARK][1]
    loss = window.panels[0].plot.getPlotItem()
    assert loss.getAxis("left").textPen().color().name() == foreground
    assert foreground in loss.getAxis("bottom").labelString()       # the axis title
    window.theme.actions[LIGHT].trigger()
    assert qapp.palette().color(QPalette.ColorRole.Window).name() == light_window
    assert _backgrounds(window) == {PLOT_COLORS[LIGHT][0]}
    assert loss.getAxis("left").textPen().color().name() == PLOT_COLORS[LIGHT][1]


def test_plots_made_while_dark_are_dark(main_window) -> None:
    main_window.theme.set_choice(DARK, remember=False)
    view = pg.PlotWidget()
    assert view.backgroundBrush().color().name() == PLOT_COLORS[DARK][0]
    view.deleteLater()


def test_the_canvas_and_the_styled_labels_turn_dark(main_window, qtbot) -> None:
    window = main_window
    window.show()
    qtbot.waitExposed(window)
    about = window.inspector.about
    assert "#444444" in about.styleSheet()
    window.theme.set_choice(DARK, remember=False)
    assert "#444444" not in about.styleSheet()
    assert QColor(themed_color("#444444")).lightness() > 150
    canvas = window.canvas.view
    corner = canvas.grab().toImage().pixelColor(3, 3)
    assert corner.lightness() < 60, corner.name()
    window.theme.set_choice(LIGHT, remember=False)
    assert "#444444" in about.styleSheet()
    assert canvas.grab().toImage().pixelColor(3, 3).lightness() > 200


def test_system_follows_the_desktop_scheme(main_window) -> None:
    choice = main_window.theme
    choice.set_choice(SYSTEM, remember=False)
    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.theme_name() == DARK
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert theme.theme_name() == LIGHT
    choice.set_choice(LIGHT, remember=False)        # a choice of its own: the desktop is ignored
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.theme_name() == LIGHT
    choice.set_choice(SYSTEM, remember=False)


def test_the_choice_is_kept_from_one_start_to_the_next(qtbot, monkeypatch,
                                                       tmp_path: Path) -> None:
    from ui.shell.main_window import MainWindow

    monkeypatch.setenv(CONFIG_ENV, str(tmp_path))
    first = MainWindow()
    qtbot.addWidget(first)
    assert first.theme.choice == SYSTEM
    first.theme.actions[DARK].trigger()
    assert QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat).value(KEY) == DARK
    first.close()
    apply_theme(LIGHT)                              # as a new start of the app finds it
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.theme.choice == DARK
    assert second.theme.actions[DARK].isChecked()
    assert theme.theme_name() == DARK
    assert _backgrounds(second) == {PLOT_COLORS[DARK][0]}
    assert second.recent.settings is second.theme.settings    # one settings store
    second.theme.set_choice(SYSTEM)


def test_an_odd_stored_value_reads_as_system(qapp, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QMenu

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue(KEY, "purple")
    menu = QMenu()
    choice = ThemeChoice(menu, settings)
    assert choice.choice == SYSTEM
    with pytest.raises(ValueError, match="system, light, dark"):
        choice.set_choice("purple")
    menu.deleteLater()


def test_themed_colours_are_the_light_ones_when_light_and_readable_when_dark(qapp) -> None:
    assert themed_color("#111111").name() == "#111111"
    assert themed_css("color: #444444;") == "color: #444444;"
    theme.set_theme(DARK)
    assert themed_color("#111111").lightness() > 200           # dark text turns light
    assert themed_color("#ffe8a3").name() == theme.DARK_COLORS["#ffe8a3"]
    translucent = QColor(10, 10, 10, 90)
    assert themed_color(translucent).alpha() == 90
    assert themed_css("color: #222222; border: 1px solid #c01c28;") == (
        f"color: {themed_color('#222222').name()}; "
        f"border: 1px solid {themed_color('#c01c28').name()};")
    with pytest.raises(ValueError, match="light, dark"):
        theme.set_theme("sepia")


def test_class_colours_stand_out_on_the_dark_plot_background(qapp) -> None:
    """Every class colour keeps a contrast of at least 2.5:1 with the dark plot background
    (WCAG's relative luminance), so scatter points and bars stay visible."""
    def luminance(color: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
        return (0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF())
                + 0.0722 * channel(color.blueF()))

    background = luminance(QColor(PLOT_COLORS[DARK][0]))
    for rgb in theme.CLASS_COLORS:
        ratio = (luminance(QColor(*rgb)) + 0.05) / (background + 0.05)
        assert ratio >= 2.5, (rgb, round(ratio, 2))


def test_the_command_line_takes_a_theme_and_presentation_mode(qapp, tmp_path: Path) -> None:
    assert parse_args(["--theme", "dark"]).theme == "dark"
    assert parse_args(["--presentation"]).presentation
    with pytest.raises(SystemExit):
        parse_args(["--theme", "sepia"])
    out = tmp_path / "dark.png"
    font = QApplication.font().pointSize()
    assert run_gui(["xor", "--screenshot", str(out), "--size", "900x600", "--theme", "dark",
                    "--presentation"]) == 0
    assert QApplication.font().pointSize() == font     # the picture leaves the fonts as found
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 600)
    assert image.pixelColor(image.width() - 5, image.height() // 2).lightness() < 80
    assert KEY not in user_settings().allKeys()         # --theme is for this start only
