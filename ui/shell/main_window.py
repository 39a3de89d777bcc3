"""The main window: palette, canvas and editors on the left, live panels on the right.

The design is one :class:`NetworkSpec` edited only through the undo commands on
``self.stack``; every view redraws from ``spec.changed``. Training runs in the controller's
thread on a *copy* of the spec, rebuilt whenever the design (not just its layout) changes.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QProgressBar

from simulator.data import Dataset
from simulator.errors import BackpropError, DataError
from simulator.io import DatasetChoice, Project
from simulator.spec import NetworkSpec
from simulator.training.checkpoint import Checkpoint
from ui.datasets import fit_problem
from ui.design.commands import SetInputShape
from ui.design.positions import fill_missing_positions
from ui.panels.activations_panel import ActivationsPanel
from ui.panels.base import Panel
from ui.panels.boundary_panel import BoundaryPanel
from ui.panels.catalog import default_panels, find_panel
from ui.panels.confusion_panel import ConfusionPanel
from ui.panels.data_panel import DataPanel
from ui.panels.parts.export import install_exports
from ui.panels.parts.sample_link import SampleLink
from ui.panels.restore import show_replay
from ui.shell.actions import build_window, show_panel
from ui.shell.autosave import RecoveryInfo, install_autosave, recovery_project
from ui.shell.drop import install_drop
from ui.shell.files import Opened, describe, open_preset, open_project, read_design
from ui.shell.help_menu import install_help_menu
from ui.shell.presets import Preset, load_preset
from ui.shell.recent_files import install_recent_files
from ui.training.bridge import TrainingBridge
from ui.training.controller import TrainingController
from ui.training.session import TrainingSession, build_session


class MainWindow(QMainWindow):
    training_finished = Signal(object)   # Finished | Failed, after the panels saw it

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
        self.panels: list[Panel] = default_panels()
        self._session_key: str | None = None
        self.dataset_modified = False
        self._pending_project: Project | None = None
        self.status_label = QLabel("Ready")
        self.progress = QProgressBar()
        build_window(self)
        self.training = TrainingBridge(self)
        maps = find_panel(self.panels, ActivationsPanel)
        self.sample_link = SampleLink(find_panel(self.panels, DataPanel), maps, self.controller,
                                      lambda: self.session, lambda: show_panel(self, maps))
        self.stack.cleanChanged.connect(self._update_title)
        self.install(open_preset(preset or load_preset()))
        self.autosave = install_autosave(
            self, self._recovery_project, lambda: self.session,
            lambda: self.controller.state == "running",
            lambda: (self.title, self.project_path), self.controller.event,
            self.controller.state_changed)
        self.autosave.failed.connect(self.status_label.setText)
        self.recent = install_recent_files(self.file_menu.recent_menu, self.open_if_discarded)
        install_drop([self, self.canvas.view.viewport()], self.open_if_discarded,
                     lambda path: self.file_menu.load_data(str(path)))
        install_help_menu(self.menuBar(), self, self.backend_in_use, self.new_from_preset)
        install_exports(self.file_menu.slides_menu, self.panels, self)

    # ----- the design -----------------------------------------------------------------
    def install(self, opened: Opened) -> None:
        """Show a design that was read completely (nothing here can fail half-way)."""
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
        index = self.preset_box.findData(opened.preset_key)
        self.preset_box.setCurrentIndex(index)
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
        if self.confirm_discard():
            self.open_preset(preset)
        else:
            self.preset_box.setCurrentIndex(-1)

    def open_path(self, name: str) -> bool:
        """Open a lesson by name, a network or lesson JSON file, or a project file."""
        try:
            opened = read_design(name)
        except (BackpropError, OSError) as exc:
            QMessageBox.warning(self, "Cannot open", f"Cannot open '{name}': {describe(exc)}")
            return False
        self.install(opened)
        if Path(name).expanduser().is_file():
            self.recent.add(name)
        return True

    def open_if_discarded(self, name: str | Path) -> bool:
        """Open a file (recent or dropped) after asking about unsaved changes."""
        return self.confirm_discard() and self.open_path(str(name))

    def set_dataset(self, dataset: Dataset, choice: DatasetChoice) -> None:
        """Train on ``dataset``; an input shape that cannot take it is changed (undoably)."""
        self.dataset, self.dataset_choice = dataset, choice
        self.dataset_modified = True
        self.dataset_chooser.show_source(choice.source)
        shape = suggested_input_shape(self.spec, dataset.sample_shape)
        if shape != self.spec.input_shape:
            self.stack.push(SetInputShape(self.spec, shape))
        self._update_title()
        self.reset()

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
        (see ``TrainingBridge``), even in the middle of a run.
        """
        design = self.spec.to_dict(with_positions=False)
        design["training"]["optimizer"].pop("learning_rate", None)
        return json.dumps(design, sort_keys=True) + str(id(self.dataset))

    def session_is_stale(self) -> bool:
        return self._design_key() != self._session_key

    # ----- saving state ---------------------------------------------------------------
    def is_modified(self) -> bool:
        return not self.stack.isClean() or self.dataset_modified

    def mark_clean(self, path: Path) -> None:
        self.project_path, self.title = path, path.stem
        self.dataset_modified = False
        self.stack.setClean()
        self._update_title()
        self.recent.add(path)

    def confirm_discard(self) -> bool:
        """Ask what to do with unsaved changes; False means the user cancelled."""
        if not self.is_modified():
            return True
        answer = QMessageBox.question(
            self, "Unsaved changes", f"Save the changes to '{self.title}' first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.file_menu.save()
        return answer == QMessageBox.StandardButton.Discard

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.title}[*] — Backprop Studio")
        self.setWindowModified(self.is_modified())

    def _recovery_project(self, checkpoint: Checkpoint | None) -> Project | None:
        return recovery_project(self.spec, self.dataset_choice, self.session,
                                running=self.controller.state == "running",
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

    # ----- training -------------------------------------------------------------------
    def reset(self) -> None:
        """Fresh weights and empty plots for the current design and data."""
        self.stop_training()
        self.session, self._session_key = None, self._design_key()
        restored = False
        if self.dataset is not None:
            try:
                self.spec.infer_shapes()
                problem = fit_problem(self.spec, self.dataset)
                if problem:
                    raise DataError(problem)
                self.session = build_session(self.spec.copy(), self.dataset)
                restored = self._restore_project_run()
            except BackpropError as exc:
                self.session = None
                self.status_label.setText(f"Cannot train yet: {describe(exc)}")
            else:
                self.status_label.setText("Ready: press Train (or Space)")
        self._pending_project = None
        for panel in self.panels:
            panel.reset(self.session)
        self._show_lesson_view()
        self.progress.setValue(0)
        if restored and self.session is not None:
            show_replay(self.session, self.panels, self.progress, self.status_label)
        self.training.on_state(self.controller.state)

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
            show_panel(self, find_panel(self.panels, kind))

    def _restore_project_run(self) -> bool:
        project, session = self._pending_project, self.session
        if project is None or session is None or project.weights is None:
            return False
        session.network.set_weights(project.weights)
        return project.restore_trainer(session.trainer)

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
                or self.controller.state == "running"):
            return None
        return session

    def train(self) -> None:
        self.training.train()

    def toggle_pause(self) -> None:
        self.training.toggle_pause()

    def stop_training(self) -> None:
        """Stop the run in progress and wait for its thread (at most one batch)."""
        self.controller.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.confirm_discard():
            event.ignore()
            return
        self.stop_training()
        for controller in self.findChildren(TrainingController):  # the experiments' too
            controller.shutdown()
        self.autosave.close()
        super().closeEvent(event)


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
