"""The main window's toolbar and menus, built once.

Each builder makes its widgets and actions, wires the ones that need nothing but the objects it
is given (the canvas's own commands, View ▸ Panels, the names and enabled state of Undo and Redo)
and returns the rest, for the window to connect to what it owns.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QComboBox, QDockWidget, QLabel, QMenu, QMenuBar, QToolBar

from ui.canvas.view import DesignCanvas
from ui.editors.dataset_chooser import DatasetChooser
from ui.shell.lesson_box import LessonBox
from ui.shell.panel_tabs import PanelTabs
from ui.shell.presets import Preset
from ui.training.bridge import RunActions

#: Speed box entries: training steps per second (None: as fast as the machine goes). The two
#: slowest are slow enough to narrate each step.
SPEEDS: dict[str, float | None] = {"2 steps a second": 2.0, "10 steps a second": 10.0,
                                   "Slow (class demo)": 60.0, "Normal": 400.0,
                                   "Full speed": None}
DEFAULT_SPEED = "Normal"


@dataclass(frozen=True)
class Toolbar:
    """The training toolbar: the lesson and data boxes, the run's buttons, the speed."""

    bar: QToolBar
    lessons: LessonBox
    dataset_chooser: DatasetChooser
    run: RunActions
    reset: QAction
    speed: QComboBox


@dataclass(frozen=True)
class Menus:
    """The menus' actions that act on the window (the File menu fills ``file`` itself)."""

    file: QMenu
    view: QMenu
    training: QMenu
    presentation: QAction
    train_or_pause: QAction
    experiments: QAction
    #: Edit ▸ Undo and Redo: enabled and named by the stack, triggering nothing yet (the
    #: window connects them, to ask before an undo throws a trained run away).
    undo: QAction
    redo: QAction


def build_toolbar(presets: Sequence[Preset]) -> Toolbar:
    bar = QToolBar("Training")
    bar.setObjectName("toolbar-training")
    bar.setMovable(False)
    lessons = LessonBox(presets)
    lessons.setMinimumContentsLength(38)
    lessons.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    bar.addWidget(QLabel(" Lesson: "))
    bar.addWidget(lessons)
    chooser = DatasetChooser()
    chooser.setMinimumContentsLength(12)
    chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    bar.addWidget(QLabel("  Data: "))
    bar.addWidget(chooser)
    bar.addSeparator()
    run = RunActions(QAction("Train", bar), QAction("Pause", bar), QAction("Stop", bar))
    reset = QAction("Reset", bar)
    run.train.setToolTip("Train (Space pauses and resumes)")
    reset.setToolTip("New random weights and empty plots")
    for action in (run.train, run.pause, run.stop, reset):
        bar.addAction(action)
    bar.addSeparator()
    bar.addWidget(QLabel(" Speed: "))
    speed = QComboBox()
    speed.addItems(list(SPEEDS))
    speed.setCurrentText(DEFAULT_SPEED)
    bar.addWidget(speed)
    return Toolbar(bar, lessons, chooser, run, reset, speed)


def build_menus(menus: QMenuBar, stack: QUndoStack, canvas: DesignCanvas,
                docks: Sequence[QDockWidget], panel_tabs: PanelTabs, toolbar: Toolbar) -> Menus:
    file_menu = menus.addMenu("&File")
    undo, redo = _edit_menu(menus.addMenu("&Edit"), stack, canvas)
    view = menus.addMenu("&View")
    fit = view.addAction("&Fit the design in view")
    fit.triggered.connect(lambda: canvas.view.fit())
    presentation = view.addAction("&Presentation mode (larger text)")
    presentation.setCheckable(True)
    presentation.setShortcut(QKeySequence("F11"))
    shown = view.addMenu("&Panels")
    for dock in docks:
        shown.addAction(dock.toggleViewAction())
    shown.addSeparator()
    for panel in panel_tabs.panels:
        action = shown.addAction(f"Show {panel.title}")
        action.triggered.connect(lambda _c=False, p=panel: panel_tabs.show_panel(p))
    training = menus.addMenu("&Training")
    space = training.addAction("Train / pause / resume")
    space.setShortcut(QKeySequence(Qt.Key.Key_Space))
    training.addActions([toolbar.run.stop, toolbar.reset])
    training.addSeparator()
    experiments = training.addAction("&Experiments…")
    experiments.setStatusTip("Hyper-parameter search, k-fold cross-validation and ensembles of "
                             "the current design")
    return Menus(file_menu, view, training, presentation, space, experiments, undo, redo)


def _edit_menu(edit: QMenu, stack: QUndoStack, canvas: DesignCanvas) -> tuple[QAction, QAction]:
    undo = _history_action(edit, "&Undo", stack.canUndo(), stack.undoText())
    stack.canUndoChanged.connect(undo.setEnabled)
    stack.undoTextChanged.connect(lambda text: undo.setText(_history_text("&Undo", text)))
    undo.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
    redo = _history_action(edit, "&Redo", stack.canRedo(), stack.redoText())
    stack.canRedoChanged.connect(redo.setEnabled)
    stack.redoTextChanged.connect(lambda text: redo.setText(_history_text("&Redo", text)))
    redo.setShortcuts(redo_shortcuts())
    edit.addActions([undo, redo])
    edit.addSeparator()
    delete = edit.addAction("&Delete selected layers or arrows")
    delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
    delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    canvas.addAction(delete)
    delete.triggered.connect(lambda: canvas.scene.delete_selected())
    arrange = edit.addAction("&Arrange the layers automatically")
    arrange.triggered.connect(lambda: canvas.scene.arrange())
    return undo, redo


def _history_action(menu: QMenu, prefix: str, enabled: bool, text: str) -> QAction:
    """An Undo or Redo action named like ``QUndoStack.createUndoAction``'s ("Undo add Dense")."""
    action = QAction(_history_text(prefix, text), menu)
    action.setEnabled(enabled)
    return action


def _history_text(prefix: str, text: str) -> str:
    return f"{prefix} {text}" if text else prefix


def redo_shortcuts() -> list[QKeySequence]:
    """The platform's Redo, plus Ctrl+Y and Ctrl+Shift+Z everywhere but macOS (people bring
    either habit from Windows and Linux programs)."""
    keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
    if sys.platform != "darwin":
        for extra in ("Ctrl+Y", "Ctrl+Shift+Z"):
            if QKeySequence(extra) not in keys:
                keys.append(QKeySequence(extra))
    return keys
