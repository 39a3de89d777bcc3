"""The main window: palette, canvas and editors on the left, live panels on the right.

The window creates and owns every widget; the builders of :mod:`ui.shell.actions` return the
toolbar and menus they make, and the training bridge, the File menu, the experiments hookup
and presentation mode are each given the few objects they use. The design is one
:class:`NetworkSpec` edited only through the undo commands on ``self.stack``; every view redraws
from ``spec.changed``. Training runs in the controller's thread on a *copy* of the spec,
rebuilt whenever the design (not just its layout) changes.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from simulator.data import Dataset, find_misfit
from simulator.errors import BackpropError, DataError
from simulator.io import DatasetChoice, Project
from simulator.spec import NetworkSpec
from simulator.training.checkpoint import Checkpoint
from ui import error_log
from ui.canvas.view import DesignCanvas
from ui.design.commands import SetInputShape
from ui.design.data_commands import SetData
from ui.design.positions import fill_missing_positions
from ui.editors.data_controls import DataControls
from ui.editors.inspector import Inspector
from ui.editors.palette import Palette
from ui.editors.training_settings import TrainingSettings
from ui.experiments.hookup import ExperimentsHookup
from ui.experiments.host import MainDesign
from ui.panels.activations_panel import ActivationsPanel
from ui.panels.base import Panel
from ui.panels.boundary_panel import BoundaryPanel
from ui.panels.catalog import default_panels, find_panel
from ui.panels.confusion_panel import ConfusionPanel
from ui.panels.data_panel import DataPanel
from ui.panels.gradients_panel import GradientsPanel
from ui.panels.parts.export import install_exports
from ui.panels.parts.sample_link import SampleLink
from ui.panels.restore import show_replay
from ui.panels.step_panel import StepPanel
from ui.shell.actions import SPEEDS, build_menus, build_toolbar
from ui.shell.animation import install_animation_export
from ui.shell.autosave import RecoveryInfo, install_autosave, recovery_project
from ui.shell.data_hookup import DataHookup, DataHost
from ui.shell.drop import install_drop
from ui.shell.errors import describe
from ui.shell.file_menu import Document, FileMenu
from ui.shell.files import Opened, capture_project, open_preset, open_project, read_design
from ui.shell.help_menu import install_help_menu
from ui.shell.panel_tabs import PanelTabs
from ui.shell.presentation import Presentation
from ui.shell.presets import Preset, available_presets, load_preset
from ui.shell.recent_files import install_recent_files
from ui.shell.reference_hookup import install_reference
from ui.shell.run_guard import RunGuard
from ui.shell.screen import fitted_geometry
from ui.shell.step_controls import install_step_controls
from ui.shell.theme_choice import install_theme_choice
from ui.shell.timeline_bar import install_timeline
from ui.shell.units_hookup import install_units_view
from ui.shell.user_dirs import user_settings
from ui.training.bridge import TrainingBridge
from ui.training.controller import TrainingController
from ui.training.inspection import InspectorFeed
from ui.training.session import TrainingSession, build_session

LEFT_WIDTH, RIGHT_WIDTH = 290, 540


class MainWindow(QMainWindow):
    training_finished = Signal(object)   # Finished | Failed, after the panels saw it
    session_changed = Signal(object)     # the TrainingSession reset() built (or None)
    data_changed = Signal()              # show_data() put other data on screen

    def __init__(self, preset: Preset | None = None) -> None:
        super().__init__()
        self.stack = QUndoStack(self)
        self.controller = TrainingController(self)
        self.session: TrainingSession | None = None
        self.spec: NetworkSpec = NetworkSpec((2,))
        self.dataset: Dataset | None = None
        self.dataset_choice: DatasetChoice | None = None
        self.project_path: Path | None = None
        self.title = "Untitled"
        self.dataset_modified = False
        self._session_key: str | None = None
        self._pending_project: Project | None = None
        # ----- the widgets ------------------------------------------------------------
        self.canvas = DesignCanvas(self.stack, self)
        self.layer_palette = Palette()
        self.inspector = Inspector(self.stack)
        self.training_settings = TrainingSettings(self.stack)
        self.data_controls = DataControls()
        self.editor_tabs = QTabWidget()
        self.panels: list[Panel] = default_panels()
        # Tall reading: the step-through's table of numbers, and the gradients' two plots.
        self.panel_tabs = PanelTabs(self.panels, roomy=[find_panel(self.panels, StepPanel),
                                                        find_panel(self.panels, GradientsPanel)])
        self.status_label = QLabel("Ready")
        self.progress = QProgressBar()
        self.timeline = install_timeline(self.controller, lambda: self.session, self.panels,
                                         self.status_label, self.progress, self.session_changed)
        self.side_docks = self._lay_out()
        self.toolbar = build_toolbar(available_presets())
        self.addToolBar(self.toolbar.bar)
        self.lesson_box = self.toolbar.lessons
        self.dataset_chooser = self.toolbar.dataset_chooser
        self.menus = build_menus(self.menuBar(), self.stack, self.canvas, self.side_docks,
                                 self.panel_tabs, self.toolbar)
        # ----- the parts that act on them -------------------------------------------
        self.file_menu = FileMenu(self.menus.file, Document(
            path=lambda: self.project_path, confirm_discard=self.confirm_replace,
            open_design=self.open_path, new_from_preset=self.new_from_preset,
            project=self._project_to_save, saved=self.mark_clean,
            trained_session=self.trained_session, set_dataset=self.set_dataset),
            self.status_label, self, self.close)
        self.run_guard = RunGuard(self, lambda: self.session, self._run_can_be_saved,
                                  self.file_menu.save)
        self.training = TrainingBridge(self.controller, self.panels, self.toolbar.run,
                                       self.status_label, self.progress,
                                       session=self._current_session, renew=self._renew,
                                       can_train=lambda: self.session is not None)
        self.inspection = InspectorFeed(self.inspector, self.controller, lambda: self.session,
                                        self.session_is_stale)
        self.experiments = ExperimentsHookup(
            self, MainDesign(lambda: self.spec, lambda: self.dataset, self.stack,
                             self.controller),
            gated=[self.toolbar.run.train, self.menus.train_or_pause])
        self.presentation = Presentation(self, self.canvas.view, self.side_docks[0], LEFT_WIDTH)
        self.step_controls = install_step_controls(
            self.controller, lambda: self.session, self.panels, self.status_label,
            self.toolbar, self.menus.training, self.canvas.scene.highlight,
            self.panel_tabs.show_panel, self)
        units = install_units_view(
            self.menus.view, self.canvas, self.controller, self.stack, self.status_label,
            self.panels, self.session_changed, session=lambda: self.session,
            spec=lambda: self.spec, stop_training=self.stop_training)
        self.units_view, self.units_action = units.view, units.action
        self.inspection.typed_shown.append(self.units_view.show_values)
        self.reference = install_reference(self.menus.training, self.panels, self.controller,
                                           self.status_label, self.session_changed,
                                           session=lambda: self.session)
        maps = find_panel(self.panels, ActivationsPanel)
        self.sample_link = SampleLink(find_panel(self.panels, DataPanel), maps, self.controller,
                                      lambda: self.session,
                                      lambda: self.panel_tabs.show_panel(maps))
        self.data_hookup = DataHookup(
            self.data_controls, DataHost(
                self.stack, lambda: self.spec, lambda: (self.dataset, self.dataset_choice),
                self.show_data, lambda: self.session, self.status_label, self._show_probe,
                lambda: self.run_guard.confirm()),
            find_panel(self.panels, BoundaryPanel), self.inspector.probe, self.session_changed)
        self._connect()
        self.install(open_preset(preset or load_preset()))
        self.autosave = install_autosave(
            self, self._recovery_project, lambda: self.session, self.session_training,
            lambda: (self.title, self.project_path), self.controller.happened,
            self.controller.state_changed)
        self.autosave.failed.connect(self.status_label.setText)
        self.settings = user_settings()
        self.recent = install_recent_files(self.file_menu.recent_menu, self.open_if_discarded,
                                           self.settings)
        self.theme = install_theme_choice(self.menus.view, self.settings)
        self.file_drop = install_drop(self, [self.canvas.view.viewport()],
                                      self.open_if_discarded,
                                      lambda path: self.file_menu.load_data(str(path)))
        install_help_menu(self.menuBar(), self, self.backend_in_use, self.new_from_preset)
        install_exports(self.file_menu.slides_menu, self.panels, self)
        self.animation = install_animation_export(self.file_menu.slides_menu, self.timeline,
                                                  self.animated_panel, self)

    def _lay_out(self) -> list[QDockWidget]:
        """The canvas and the panels in the middle; the palette and the editors docked on the
        left; the status line and progress bar below. Returns the docks."""
        central = QSplitter(Qt.Orientation.Horizontal)
        central.addWidget(self.canvas)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.panel_tabs, 1)
        column.addWidget(self.timeline.bar)
        central.addWidget(right)
        central.setStretchFactor(0, 1)
        central.setStretchFactor(1, 1)
        central.setSizes([1000 - RIGHT_WIDTH, RIGHT_WIDTH])
        central.setChildrenCollapsible(False)
        self.setCentralWidget(central)
        self.editor_tabs.addTab(_scrolled(self.inspector), "Layer")
        self.editor_tabs.addTab(_scrolled(self.training_settings), "Training")
        self.editor_tabs.addTab(_scrolled(self.data_controls), "Data")
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        docks = [self._dock("Layers", self.layer_palette, left),
                 self._dock("Settings", self.editor_tabs, left)]
        self.resizeDocks(docks, [390, 410], Qt.Orientation.Vertical)
        self.resizeDocks(docks[:1], [LEFT_WIDTH], Qt.Orientation.Horizontal)
        self.statusBar().addWidget(self.status_label, 1)
        self.progress.setMaximumWidth(220)
        self.statusBar().addPermanentWidget(self.progress)
        return docks

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _connect(self) -> None:
        scene = self.canvas.scene
        scene.selection_named.connect(self._show_selection)
        self.layer_palette.layer_chosen.connect(lambda name: scene.add_layer(name))
        self.training_settings.learning_rate_changed.connect(self.training.set_learning_rate)
        self.training.finished.connect(self.training_finished)
        self.controller.state_changed.connect(self._on_state)
        self.controller.happened.connect(self.inspection.on_event)
        self.stack.cleanChanged.connect(self._update_title)
        toolbar, menus = self.toolbar, self.menus
        toolbar.lessons.preset_chosen.connect(self.new_from_preset)
        toolbar.lessons.file_chosen.connect(self._reopen_lesson_file)
        toolbar.dataset_chooser.builtin_chosen.connect(self.file_menu.load_data)
        toolbar.dataset_chooser.open_file_requested.connect(self.file_menu.open_data_file)
        toolbar.dataset_chooser.open_folder_requested.connect(self.file_menu.open_image_folder)
        toolbar.reset.triggered.connect(lambda: self.reset())
        toolbar.speed.currentTextChanged.connect(
            lambda text: self.controller.set_speed(SPEEDS[text]))
        self.controller.set_speed(SPEEDS[toolbar.speed.currentText()])
        menus.presentation.toggled.connect(self.presentation.set_active)
        menus.train_or_pause.triggered.connect(lambda: self.training.train_or_pause())
        menus.experiments.triggered.connect(lambda: self.experiments.show())
        menus.undo.triggered.connect(lambda: self.undo())
        menus.redo.triggered.connect(lambda: self.redo())

    def _show_probe(self) -> None:
        """Bring the inspector's "Evaluate an input" box into view."""
        self.editor_tabs.setCurrentIndex(0)
        area = self.editor_tabs.widget(0)
        if isinstance(area, QScrollArea):
            area.ensureWidgetVisible(self.inspector.probe)

    def _show_selection(self, name: object) -> None:
        self.inspector.show_layer(name if isinstance(name, str) else None)
        if name is not None:
            self.editor_tabs.setCurrentIndex(0)

    def fit_to_screen(self, available: QRect | None = None) -> bool:
        """Take the preferred size, or all of ``available`` (the screen's free area, by
        default) if that is smaller. Returns whether the preferred size fitted."""
        area = available if available is not None else self.screen().availableGeometry()
        geometry, fits = fitted_geometry(area)
        self.setGeometry(geometry)
        return fits

    # ----- the design -----------------------------------------------------------------
    def install(self, opened: Opened, source: str | None = None) -> None:
        """Show a design that was read completely (nothing here can fail half-way);
        ``source`` is the lesson name or file it was read from."""
        self.stop_training()
        fill_missing_positions(opened.spec)
        self.spec.changed.disconnect(self._on_spec_changed)
        self.spec = opened.spec
        self.spec.changed.connect(self._on_spec_changed)
        if opened.dataset is not None:
            self.dataset, self.dataset_choice = opened.dataset, opened.choice
            self.dataset_chooser.show_source(opened.choice.source if opened.choice else "")
        self.canvas.set_spec(self.spec)
        self.inspector.set_lesson(opened.title, opened.description)
        self.inspector.set_spec(self.spec)
        self.training_settings.set_spec(self.spec)
        self.stack.clear()
        self.project_path, self.title = opened.path, opened.title
        self._pending_project = opened.project
        self.dataset_modified = opened.modified
        self.lesson_box.show_lesson(opened.preset_key, opened.title,
                                    _lesson_file(opened, source))
        self._update_title()
        self.reset()

    def open_preset(self, preset: Preset) -> None:
        try:
            opened = open_preset(preset)
        except BackpropError as exc:
            QMessageBox.warning(self, "Cannot open the lesson", describe(exc))
            return
        self.install(opened)

    def new_from_preset(self, preset: Preset) -> None:
        if self.confirm_replace():
            self.open_preset(preset)
        else:
            self.lesson_box.show_current()

    def _reopen_lesson_file(self, path: str) -> None:
        if not (self.confirm_replace() and self.open_path(path)):
            self.lesson_box.show_current()

    def open_path(self, name: str) -> bool:
        """Open a lesson by name, a network or lesson JSON file, or a project file."""
        try:
            opened = read_design(name)
        except (BackpropError, OSError) as exc:
            problem = describe(exc)
        except Exception as exc:  # never open nothing without a word
            problem = error_log.unexpected(exc)
        else:
            self.install(opened, name)
            if Path(name).expanduser().is_file():
                self.recent.add(name)
            return True
        QMessageBox.warning(self, "Cannot open", f"Cannot open '{name}': {problem}")
        return False

    def set_dataset(self, dataset: Dataset, choice: DatasetChoice) -> bool:
        """Train on ``dataset``, in one undo step; an input shape that cannot take it is
        changed in the same step. False (and nothing changed) when a trained run would be
        lost and the user kept it."""
        if not self.run_guard.confirm():
            self.dataset_chooser.show_source(self.dataset_choice.source
                                             if self.dataset_choice else "")
            return False
        shape = suggested_input_shape(self.spec, dataset.sample_shape)
        self.stack.beginMacro(f"Use the dataset {Path(choice.source).name}")
        if shape != self.spec.input_shape:
            self.stack.push(SetInputShape(self.spec, shape))
        self.stack.push(SetData(self.show_data, (self.dataset, self.dataset_choice),
                                (dataset, choice), "Use the dataset"))
        self.stack.endMacro()
        return True

    def show_data(self, dataset: Dataset | None, choice: DatasetChoice | None) -> None:
        """Put this data on screen and start a fresh session on it (undo commands call it)."""
        self.dataset, self.dataset_choice = dataset, choice
        self.dataset_chooser.show_source(choice.source if choice is not None else "")
        self._update_title()
        self.reset()
        self.data_changed.emit()

    def undo(self) -> bool:
        """Edit ▸ Undo, after asking if it would throw a trained run away."""
        return self.run_guard.undo_or_redo(self.stack.undo, self.stack.redo,
                                           self.session_is_stale)

    def redo(self) -> bool:
        return self.run_guard.undo_or_redo(self.stack.redo, self.stack.undo,
                                           self.session_is_stale)

    def _on_spec_changed(self) -> None:
        if self.session_is_stale() and not self.controller.running:
            QTimer.singleShot(0, self._reset_if_stale)
        elif self.session_is_stale():
            self.status_label.setText("The design changed: the run in progress keeps the old "
                                      "one; Train again after it stops to use the new design.")
        self._update_title()

    def _reset_if_stale(self) -> None:
        if self.session_is_stale() and not self.controller.running:
            self.reset()

    def _design_key(self) -> str:
        """What a session depends on: the design without its layout, and the data.

        The learning rate is left out: a change reaches the session's trainer directly
        (see ``TrainingBridge.set_learning_rate``), even in the middle of a run.
        """
        design = self.spec.to_dict(with_positions=False)
        design["training"]["optimizer"].pop("learning_rate", None)
        return json.dumps(design, sort_keys=True) + str(id(self.dataset))

    def session_is_stale(self) -> bool:
        return self._design_key() != self._session_key

    # ----- saving state ---------------------------------------------------------------
    def is_modified(self) -> bool:
        return not self.stack.isClean() or self.dataset_modified

    def open_if_discarded(self, name: str | Path) -> bool:
        """Open a file (recent or dropped) after asking about unsaved changes or a trained run."""
        return self.confirm_replace() and self.open_path(str(name))

    def mark_clean(self, path: Path) -> None:
        self.project_path, self.title = path, path.stem
        self.dataset_modified = False
        self.stack.setClean()
        if self._run_can_be_saved():     # the run went into the file with the design
            self.run_guard.mark_kept()
        self._update_title()
        self.recent.add(path)

    def _recovery_project(self, checkpoint: Checkpoint | None) -> Project | None:
        return recovery_project(self.spec, self.dataset_choice, self.session,
                                running=self.session_training(),
                                stale=self.session_is_stale(), modified=self.is_modified(),
                                checkpoint=checkpoint)

    def restore_recovery(self, project: Project, info: RecoveryInfo) -> bool:
        """Show an autosaved project, as unsaved work (Save writes where it came from)."""
        try:
            opened = open_project(project, info.title, info.origin)
        except (BackpropError, OSError) as exc:
            QMessageBox.warning(self, "Cannot restore", describe(exc))
            return False
        opened.modified = True
        self.install(opened)
        self.autosave.save_now()
        return True

    def _project_to_save(self) -> tuple[Project, bool]:
        """The project Save writes, and whether it leaves out a run it cannot save now (the
        weights of a run in progress, or of a design that has changed since)."""
        include_run = self._run_can_be_saved()
        project = capture_project(self.spec, self.dataset_choice, self.session, include_run)
        return project, not include_run and self.session is not None

    def _run_can_be_saved(self) -> bool:
        """Whether Save writes the session's run now (not while it runs, nor once the design
        has changed since it was built)."""
        return not self.session_training() and not self.session_is_stale()

    def confirm_replace(self) -> bool:
        """Before another design, lesson or project replaces this one: ask about unsaved
        changes (which covers the trained run too), else about a trained run that would be
        lost (:class:`RunGuard`). False means the user cancelled."""
        if self.is_modified():
            return self.confirm_discard()
        return self.run_guard.confirm()

    def confirm_discard(self) -> bool:
        """Ask what to do with unsaved changes; False means the user cancelled."""
        if not self.is_modified():
            return True
        run = " and its trained run" if self.run_guard.at_stake() is not None else ""
        answer = QMessageBox.question(
            self, "Unsaved changes", f"Save the changes to '{self.title}'{run} first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.file_menu.save()
        return answer == QMessageBox.StandardButton.Discard

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.title}[*] — Backprop Studio")
        self.setWindowModified(self.is_modified())

    # ----- training -------------------------------------------------------------------
    def reset(self) -> None:
        """Fresh weights and empty plots for the current design and data."""
        self.stop_training()
        self.session, self._session_key = None, self._design_key()
        misfit = None
        restored = False
        if self.dataset is not None:
            resumed = ""
            try:
                self.spec.infer_shapes()
                misfit = find_misfit(self.spec, self.dataset)
                if misfit:
                    raise DataError(misfit.message)
                self.session = build_session(self.spec.copy(), self.dataset)
                try:
                    restored = self._restore_project_run()
                except BackpropError as exc:   # the design opens; its run starts afresh
                    self.session = build_session(self.spec.copy(), self.dataset)
                    resumed = (f". The saved run could not be resumed ({describe(exc)}); "
                               "training starts afresh")
            except BackpropError as exc:
                self.session = None
                self.status_label.setText(f"Cannot train yet: {describe(exc)}")
            except MemoryError as exc:
                self.session = None
                self.status_label.setText(f"Cannot train yet: {error_log.one_line(exc)}")
            else:
                self.status_label.setText("Ready: press Train (or Space)" + resumed)
        self.canvas.show_misfit(misfit)
        self._pending_project = None
        for panel in self.panels:
            panel.reset(self.session)
        self._show_lesson_view()
        self.progress.setValue(0)
        if restored and self.session is not None:
            show_replay(self.session, self.panels, self.progress, self.status_label)
            self.run_guard.mark_kept()       # read from its file: nothing to lose yet
        self.training.on_state(self.controller.state)
        self.session_changed.emit(self.session)
        self._on_state(self.controller.state)

    def _current_session(self) -> TrainingSession | None:
        """The session, while it is still the current design's."""
        return None if self.session_is_stale() else self.session

    def _renew(self) -> TrainingSession | None:
        self.reset()
        return self.session

    def _on_state(self, state: str) -> None:
        self.lesson_box.setEnabled(state == "idle")
        self.file_menu.update_enabled()
        self.inspection.on_state(state)

    def _show_lesson_view(self) -> None:
        """Bring forward the view that suits the design: the boundary (or fitted curve) for
        1-2 inputs, the feature maps for images, the confusion matrix otherwise."""
        session = self.session
        if session is None:
            return
        if session.grid_bounds is not None or session.curve_range is not None:
            kind: type[Panel] = BoundaryPanel
        elif len(self.spec.input_shape) == 3:
            kind = ActivationsPanel
        else:
            kind = ConfusionPanel
        with contextlib.suppress(KeyError):
            self.panel_tabs.show_panel(find_panel(self.panels, kind))

    def _restore_project_run(self) -> bool:
        project, session = self._pending_project, self.session
        if project is None or session is None or project.weights is None:
            return False
        session.network.set_weights(project.weights)
        restored = project.restore_trainer(session.trainer)
        if restored and session.timeline is not None:
            session.timeline.restart()        # the saved run is the timeline's first frame
            session.forks = list(project.forks)
        return restored

    def animated_panel(self) -> Panel:
        """The panel an animation of the run shows: the decision boundary (or the fitted
        curve) when the design has one, else the panel at the front of the first stack."""
        session = self.session
        if session is not None and (session.grid_bounds is not None
                                    or session.curve_range is not None):
            boundary = find_panel(self.panels, BoundaryPanel)
            self.panel_tabs.show_panel(boundary)
            return boundary
        return self.panel_tabs.in_view()[0]

    def backend_in_use(self) -> str:
        session = self.session
        if session is None:
            return "NumPy (CPU), once a design can train"
        backend = session.network.backend
        kind = "CuPy (GPU)" if backend.is_gpu else "NumPy (CPU)"
        return f"{kind}, {getattr(backend.dtype, '__name__', backend.dtype)}"

    def trained_session(self) -> TrainingSession | None:
        """The session whose weights can be exported now (trained, current, not running)."""
        session = self.session
        if (session is None or session.trainer.step == 0 or self.session_is_stale()
                or self.session_training()):
            return None
        return session

    def session_training(self) -> bool:
        """Whether the session's run is training now (not a fork of it, which trains a
        network of its own)."""
        return self.controller.state == "running" and not self.timeline.forking

    def train(self) -> None:
        self.training.train()

    def toggle_pause(self) -> None:
        self.training.toggle_pause()

    def stop_training(self) -> None:
        """Stop the run in progress and wait for its thread (at most one batch)."""
        self.controller.shutdown()

    # Files dropped on the window (see ui.shell.drop: handlers, not a filter of every event).
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self.file_drop.handle(event):
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not self.file_drop.handle(event):
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if not self.file_drop.handle(event):
            super().dropEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.confirm_discard():
            event.ignore()
            return
        self.stop_training()
        for controller in self.findChildren(TrainingController):  # the experiments' too
            controller.shutdown()
        self.autosave.close()
        super().closeEvent(event)


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


def _lesson_file(opened: Opened, source: str | None) -> Path | None:
    """The file a lesson was read from (None for a built-in lesson, a network or a project)."""
    if opened.preset_key is None or source is None:
        return None
    path = Path(source).expanduser()
    return path if path.is_file() else None


def suggested_input_shape(spec: NetworkSpec, sample_shape: tuple[int, ...]) -> tuple[int, ...]:
    """The input shape for data with ``sample_shape``: kept if the sizes agree, else images
    for a network that starts with convolutions and flat vectors for the others."""
    size = 1
    for d in sample_shape:
        size *= d
    current = 1
    for d in spec.input_shape:
        current *= d
    if size == current:
        return tuple(spec.input_shape)
    first = [layer for i, layer in enumerate(spec.layers) if "input" in spec.inputs_of(i)]
    convolutional = any(layer.type in ("Conv2D", "MaxPool2D", "AvgPool2D") for layer in first)
    return tuple(sample_shape) if convolutional or len(sample_shape) == 1 else (size,)
