"""The main window's widgets, menus and toolbar, built once.

Left: the palette, and the layer inspector / training settings as tabs. Centre: the canvas.
Right: the live panels in two tab stacks (dealt alternately from the registry's list), split
so two panels are always in view; View ▸ Panels brings any panel to the front.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QLabel,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolBar,
    QWidget,
)

from ui.canvas.view import DesignCanvas
from ui.editors.dataset_chooser import DatasetChooser
from ui.editors.inspector import Inspector
from ui.editors.palette import Palette
from ui.editors.training_settings import TrainingSettings
from ui.experiments.hookup import show_experiments
from ui.shell.file_menu import FileMenu
from ui.shell.presets import available_presets
from ui.style.theme import PRESENTATION_SCALE, restyle, set_plot_scale

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow

SPEEDS = {"Slow (class demo)": 60.0, "Normal": 400.0, "Full speed": None}
LEFT_WIDTH, RIGHT_WIDTH = 290, 540
PRESENTATION_POINTS = 4


def build_window(w: MainWindow) -> None:
    w.canvas = DesignCanvas(w.stack, w)
    w.palette = Palette()
    w.inspector = Inspector(w.stack)
    w.training_settings = TrainingSettings(w.stack)
    w.canvas.scene.selection_named.connect(_show_selection(w))
    w.palette.layer_chosen.connect(lambda name: w.canvas.scene.add_layer(name))
    _build_central(w)
    _build_docks(w)
    _build_toolbar(w)
    _build_menus(w)
    w.statusBar().addWidget(w.status_label, 1)
    w.progress.setMaximumWidth(220)
    w.statusBar().addPermanentWidget(w.progress)


def _show_selection(w: MainWindow):
    def show(name: object) -> None:
        w.inspector.show_layer(name if isinstance(name, str) else None)
        if name is not None:
            w.editor_tabs.setCurrentIndex(0)

    return show


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


def _dock(w: MainWindow, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
    dock = QDockWidget(title, w)
    dock.setObjectName(f"dock-{title}")
    dock.setWidget(widget)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                     | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                     | QDockWidget.DockWidgetFeature.DockWidgetClosable)
    w.addDockWidget(area, dock)
    return dock


def _build_docks(w: MainWindow) -> None:
    left = Qt.DockWidgetArea.LeftDockWidgetArea
    palette_dock = _dock(w, "Layers", w.palette, left)
    w.editor_tabs = QTabWidget()
    w.editor_tabs.addTab(_scrolled(w.inspector), "Layer")
    w.editor_tabs.addTab(_scrolled(w.training_settings), "Training")
    editor_dock = _dock(w, "Settings", w.editor_tabs, left)
    w.resizeDocks([palette_dock, editor_dock], [390, 410], Qt.Orientation.Vertical)
    w.resizeDocks([palette_dock], [LEFT_WIDTH], Qt.Orientation.Horizontal)
    w.side_docks = [palette_dock, editor_dock]


def _build_central(w: MainWindow) -> None:
    """The canvas, and the live panels in two tab stacks, dealt alternately (the registry's
    first two panels are the two in view at start)."""
    w.panel_tabs = [QTabWidget(), QTabWidget()]
    for tabs, group in zip(w.panel_tabs, (w.panels[0::2], w.panels[1::2]), strict=True):
        tabs.setDocumentMode(True)
        for panel in group:
            tabs.addTab(panel, panel.title)
    stack = QSplitter(Qt.Orientation.Vertical)
    for tabs in w.panel_tabs:
        if tabs.count():
            stack.addWidget(tabs)
    central = QSplitter(Qt.Orientation.Horizontal)
    central.addWidget(w.canvas)
    central.addWidget(stack)
    central.setStretchFactor(0, 1)
    central.setStretchFactor(1, 1)
    central.setSizes([1000 - RIGHT_WIDTH, RIGHT_WIDTH])
    central.setChildrenCollapsible(False)
    w.setCentralWidget(central)


def show_panel(w: MainWindow, panel: QWidget) -> None:
    for tabs in w.panel_tabs:
        index = tabs.indexOf(panel)
        if index >= 0:
            tabs.setCurrentIndex(index)


def _build_toolbar(w: MainWindow) -> None:
    bar = QToolBar("Training")
    bar.setObjectName("toolbar-training")
    bar.setMovable(False)
    w.addToolBar(bar)
    w.preset_box = QComboBox()
    w.preset_box.setMinimumContentsLength(38)
    w.preset_box.setSizeAdjustPolicy(
        QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    w.presets = available_presets()
    for preset in w.presets:
        w.preset_box.addItem(preset.title, preset.key)
        w.preset_box.setItemData(w.preset_box.count() - 1, preset.description,
                                 Qt.ItemDataRole.ToolTipRole)
    w.preset_box.activated.connect(lambda i: w.new_from_preset(w.presets[i]))
    bar.addWidget(QLabel(" Lesson: "))
    bar.addWidget(w.preset_box)
    w.dataset_chooser = DatasetChooser()
    w.dataset_chooser.setMinimumContentsLength(12)
    w.dataset_chooser.setSizeAdjustPolicy(
        QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    bar.addWidget(QLabel("  Data: "))
    bar.addWidget(w.dataset_chooser)
    bar.addSeparator()
    w.train_action = QAction("Train", w)
    w.pause_action = QAction("Pause", w)
    w.stop_action = QAction("Stop", w)
    w.reset_action = QAction("Reset", w)
    w.train_action.triggered.connect(lambda: w.train())
    w.pause_action.triggered.connect(lambda: w.toggle_pause())
    w.stop_action.triggered.connect(w.controller.stop)
    w.reset_action.triggered.connect(lambda: w.reset())
    w.train_action.setToolTip("Train (Space pauses and resumes)")
    w.reset_action.setToolTip("New random weights and empty plots")
    for action in (w.train_action, w.pause_action, w.stop_action, w.reset_action):
        bar.addAction(action)
    bar.addSeparator()
    bar.addWidget(QLabel(" Speed: "))
    w.speed_box = QComboBox()
    w.speed_box.addItems(list(SPEEDS))
    w.speed_box.setCurrentText("Normal")
    w.speed_box.currentTextChanged.connect(lambda text: w.controller.set_speed(SPEEDS[text]))
    w.controller.set_speed(SPEEDS["Normal"])
    bar.addWidget(w.speed_box)


def _build_menus(w: MainWindow) -> None:
    menus = w.menuBar()
    w.file_menu = FileMenu(w, menus.addMenu("&File"))
    w.dataset_chooser.builtin_chosen.connect(w.file_menu.load_data)
    w.dataset_chooser.open_file_requested.connect(w.file_menu.open_data_file)
    w.dataset_chooser.open_folder_requested.connect(w.file_menu.open_image_folder)
    edit = menus.addMenu("&Edit")
    undo = w.stack.createUndoAction(w, "&Undo")
    undo.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
    redo = w.stack.createRedoAction(w, "&Redo")
    redo.setShortcuts(redo_shortcuts())
    edit.addActions([undo, redo])
    edit.addSeparator()
    delete = edit.addAction("&Delete selected layers or arrows")
    delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
    delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    w.canvas.addAction(delete)
    delete.triggered.connect(lambda: w.canvas.scene.delete_selected())
    arrange = edit.addAction("&Arrange the layers automatically")
    arrange.triggered.connect(lambda: w.canvas.scene.arrange())
    view = menus.addMenu("&View")
    fit = view.addAction("&Fit the design in view")
    fit.triggered.connect(lambda: w.canvas.view.fit())
    w.presentation_action = view.addAction("&Presentation mode (larger text)")
    w.presentation_action.setCheckable(True)
    w.presentation_action.setShortcut(QKeySequence("F11"))
    w.presentation_action.toggled.connect(lambda on: _presentation(w, on))
    panels = view.addMenu("&Panels")
    for dock in w.side_docks:
        panels.addAction(dock.toggleViewAction())
    panels.addSeparator()
    for panel in w.panels:
        action = panels.addAction(f"Show {panel.title}")
        action.triggered.connect(lambda _c=False, p=panel: show_panel(w, p))
    training = menus.addMenu("&Training")
    w.space_action = training.addAction("Train / pause / resume")
    w.space_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
    w.space_action.triggered.connect(lambda: w.training.train_or_pause())
    training.addActions([w.stop_action, w.reset_action])
    training.addSeparator()
    w.experiments_action = training.addAction("&Experiments…")
    w.experiments_action.setStatusTip("Hyper-parameter search, k-fold cross-validation and "
                                      "ensembles of the current design")
    w.experiments_action.triggered.connect(lambda: show_experiments(w))


def redo_shortcuts() -> list[QKeySequence]:
    """The platform's Redo, plus Ctrl+Y and Ctrl+Shift+Z everywhere but macOS (people bring
    either habit from Windows and Linux programs)."""
    keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
    if sys.platform != "darwin":
        for extra in ("Ctrl+Y", "Ctrl+Shift+Z"):
            if QKeySequence(extra) not in keys:
                keys.append(QKeySequence(extra))
    return keys


def _presentation(w: MainWindow, on: bool) -> None:
    """Bigger text everywhere for a projector, plots included (redrawn in place, in this window
    and the experiments window); the canvas zooms instead of re-flowing."""
    app = QApplication.instance()
    font = app.font()
    delta = PRESENTATION_POINTS if on else -PRESENTATION_POINTS
    font.setPointSize(max(6, font.pointSize() + delta))
    app.setFont(font)
    set_plot_scale(PRESENTATION_SCALE if on else 1.0)
    restyle(w)
    w.canvas.view.zoom(1.3 if on else 1 / 1.3)
    width = int(LEFT_WIDTH * (1.3 if on else 1.0))
    w.resizeDocks(w.side_docks[:1], [width], Qt.Orientation.Horizontal)
